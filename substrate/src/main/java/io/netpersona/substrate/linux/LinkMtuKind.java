package io.netpersona.substrate.linux;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import java.util.Map;
import java.util.Optional;

/** A device's MTU ({@code link-mtu}, id = device name). It always exists; removal puts the old value back. */
final class LinkMtuKind implements ResourceKind {
    static final String KIND = "link-mtu";

    static Resource of(String scope, String device, int mtu) {
        return new Resource(KIND, scope, device, Map.of("mtu", Integer.toString(mtu)));
    }

    @Override
    public String name() {
        return KIND;
    }

    @Override
    public int order() {
        return 20;
    }

    @Override
    public Optional<Resource> read(Resource.Key key, HostView view, Records.Entry recorded) {
        return view.find(view.devices(key.scope()), "ifname", key.id())
                .map(link -> of(key.scope(), key.id(), link.path("mtu").asInt()));
    }

    @Override
    public void render(Step step, Batches out) {
        switch (step) {
            case Step.Create c -> set(c.resource(), out);
            case Step.Modify m -> set(m.to(), out);
            case Step.Delete d -> { } // a device's MTU cannot be absent; the device went with its namespace
        }
    }

    private static void set(Resource r, Batches out) {
        out.ip(r.scope(), "link set dev " + r.id() + " mtu " + r.attr("mtu"));
    }
}
