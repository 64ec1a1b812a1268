package io.netpersona.substrate.linux;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import io.netpersona.substrate.SubstrateException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A sysctl of a network namespace ({@code sysctl}, id = the key, such as {@code net.ipv4.ip_forward}).
 * A namespace's sysctls are reachable only from inside it, so they are written by {@code ip netns exec NS
 * sysctl -w}, as lines of one {@code ip -batch} (ip forks one sysctl per line, no shell). A sysctl cannot
 * be absent: one that goes away went with its device, so deleting it writes nothing.
 */
final class SysctlKind implements ResourceKind {
    static final String KIND = "sysctl";
    private static final Pattern KEY = Pattern.compile("net\\.ipv[46]\\.[a-z0-9_]+(\\.[A-Za-z0-9_-]+\\.[a-z0-9_]+)?");
    private static final Pattern VALUE = Pattern.compile("-?[0-9]{1,10}");

    static Resource of(String scope, String key, String value) {
        if (scope.isEmpty()) {
            throw new IllegalArgumentException("sysctl " + key + ": only a network namespace's own sysctls are written");
        }
        if (!KEY.matcher(key).matches() || !VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException("sysctl " + key + "=" + value + " (expected: a net.ipv4/net.ipv6 key and a number)");
        }
        return new Resource(KIND, scope, key, Map.of("value", value));
    }

    @Override
    public String name() {
        return KIND;
    }

    @Override
    public int order() {
        return 15;
    }

    @Override
    public Optional<Resource> read(Resource.Key key, HostView view, Records.Entry recorded) {
        return view.sysctl(key.scope(), key.id()).map(v -> new Resource(KIND, key.scope(), key.id(), Map.of("value", v)));
    }

    @Override
    public void render(Step step, Batches out) {
        switch (step) {
            case Step.Create c -> write(c.resource(), out);
            case Step.Modify m -> write(m.to(), out);
            case Step.Delete d -> { } // it went with its device
        }
    }

    private static void write(Resource r, Batches out) {
        if (!KEY.matcher(r.id()).matches() || !VALUE.matcher(r.attr("value")).matches()) {
            throw new SubstrateException("refusing sysctl " + r.id() + "=" + r.attr("value") + " in " + r.scope());
        }
        out.ip("", "netns exec " + RouteKind.word(r.scope()) + " sysctl -q -w " + r.id() + "=" + r.attr("value"));
    }
}
