package io.netpersona.substrate.linux;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A host's IFB device (kind {@code ifb-link}, id = its name), where what arrives over the uplink is shaped.
 * Shared by the host's personas; attributes: {@code type} (ifb) and {@code up}.
 */
final class IfbLinkKind implements ResourceKind {
    static final String KIND = "ifb-link";

    static Resource of(String scope, String name) {
        return new Resource(KIND, scope, name, Map.of("type", "ifb", "up", "true"));
    }

    @Override
    public String name() {
        return KIND;
    }

    @Override
    public int order() {
        return 12;
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public boolean serves(Resource shared, Resource.Key dependent) {
        return HtbClassKind.onDevice(dependent, shared.scope(), shared.id());
    }

    @Override
    public Optional<Resource> read(Resource.Key key, HostView view, Records.Entry recorded) {
        return view.find(view.links(key.scope()), "ifname", key.id()).map(link -> new Resource(KIND, key.scope(), key.id(),
                Map.of("type", link.path("linkinfo").path("info_kind").asString("none"), "up", Boolean.toString(isUp(link)))));
    }

    private static boolean isUp(JsonNode link) {
        for (JsonNode f : link.path("flags")) {
            if (f.asString("").equals("UP")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void render(Step step, Batches out) {
        switch (step) {
            case Step.Create c -> {
                out.ip(c.resource().scope(), "link add name " + c.resource().id() + " type ifb");
                out.ip(c.resource().scope(), "link set dev " + c.resource().id() + " up");
            }
            case Step.Modify m -> out.ip(m.to().scope(), "link set dev " + m.to().id() + (m.to().attr("up").equals("true") ? " up" : " down"));
            case Step.Delete d -> out.ip(d.resource().scope(), "link del dev " + d.resource().id());
        }
    }
}
