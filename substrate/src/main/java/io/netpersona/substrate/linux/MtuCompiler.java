package io.netpersona.substrate.linux;

import io.netpersona.model.Persona;
import tools.jackson.databind.JsonNode;

/** {@code spec.mtu}: the MTU of the application's own devices (every one but loopback in its namespace). */
final class MtuCompiler implements FieldCompiler {
    @Override
    public void compile(Persona persona, AppContext app, HostView view, Desired out) {
        Integer mtu = persona.spec().mtu();
        if (mtu == null) {
            return;
        }
        if (app.scope().isEmpty()) {
            out.problem("spec.mtu", mtu + " (expected: a persona with spec.app.netns; the host's own devices are "
                    + "shared, and per-route MTU for them is not supported yet)");
            return;
        }
        int devices = 0;
        for (JsonNode link : view.devices(app.scope())) {
            if (!link.path("link_type").asString("").equals("loopback")) {
                String dev = link.path("ifname").asString();
                int max = link.path("max_mtu").asInt(65535);
                if (mtu > max) {
                    out.problem("spec.mtu", mtu + " (expected: at most " + max + ", the largest MTU of " + dev + ")");
                }
                out.add(LinkMtuKind.of(app.scope(), dev, mtu));
                devices++;
            }
        }
        if (devices == 0) {
            out.problem("spec.mtu", mtu + " (expected: a namespace with a network device; " + app.scope() + " has only loopback)");
        }
    }
}
