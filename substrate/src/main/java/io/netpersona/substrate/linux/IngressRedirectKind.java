package io.netpersona.substrate.linux;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * What arrives over a host's uplink, redirected to the host's IFB so that it can be shaped there (kind
 * {@code tc-ingress-redirect}, id = uplink, attribute {@code to} = the IFB): an {@code ingress} qdisc with one
 * u32 filter that matches everything ({@code match u32 0 0}) and {@code action mirred egress redirect}.
 * Shared by the host's personas; applied after the IFB's classes, so traffic only goes there once they exist.
 */
final class IngressRedirectKind implements ResourceKind {
    static final String KIND = "tc-ingress-redirect";

    static Resource of(String scope, String uplink, String ifb) {
        return new Resource(KIND, scope, uplink, Map.of("to", ifb));
    }

    @Override
    public String name() {
        return KIND;
    }

    @Override
    public int order() {
        return 56;
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public boolean serves(Resource shared, Resource.Key dependent) {
        return HtbClassKind.onDevice(dependent, shared.scope(), shared.attr("to"));
    }

    /** The uplink's ingress-side qdisc (ingress or clsact), if any (its kind, from the light read). */
    static Optional<JsonNode> ingress(HostView view, String scope, String device) {
        for (JsonNode q : view.queueQdiscs(scope, device)) {
            String kind = q.path("kind").asString("");
            if (kind.equals("ingress") || kind.equals("clsact")) {
                return Optional.of(q);
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<Resource> read(Resource.Key key, HostView view, Records.Entry recorded) {
        Optional<JsonNode> q = ingress(view, key.scope(), key.id());
        if (q.isEmpty()) {
            return Optional.empty();
        }
        if (!q.get().path("kind").asString().equals("ingress")) {
            return Optional.of(new Resource(KIND, key.scope(), key.id(), Map.of("qdisc", q.get().path("kind").asString())));
        }
        return Optional.of(new Resource(KIND, key.scope(), key.id(), Map.of("to", redirectTarget(view, key).orElse("(none)"))));
    }

    /** The device the ingress filter redirects to, when it is the one catch-all mirred filter this kind makes. */
    private static Optional<String> redirectTarget(HostView view, Resource.Key key) {
        for (JsonNode f : view.filters(key.scope(), key.id(), "ffff:")) {
            JsonNode o = f.path("options");
            if (o.has("match") && o.path("match").path("mask").asString("").equals("0")) {
                for (JsonNode a : o.path("actions")) {
                    if (a.path("kind").asString("").equals("mirred") && a.path("mirred_action").asString("").equals("redirect")) {
                        return Optional.of(a.path("to_dev").asString());
                    }
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public void render(Step step, Batches out) {
        switch (step) {
            case Step.Create c -> {
                out.tc(c.resource().scope(), "qdisc add dev " + c.resource().id() + " handle ffff: ingress");
                filter(c.resource(), out);
            }
            case Step.Modify m -> {
                out.tc(m.to().scope(), "filter del dev " + m.to().id() + " parent ffff:");
                filter(m.to(), out);
            }
            case Step.Delete d -> out.tc(d.resource().scope(), "qdisc del dev " + d.resource().id() + " handle ffff: ingress");
        }
    }

    private static void filter(Resource r, Batches out) {
        out.tc(r.scope(), "filter add dev " + r.id() + " parent ffff: protocol all prio 1 u32 match u32 0 0"
                + " action mirred egress redirect dev " + r.attr("to"));
    }
}
