package io.netpersona.substrate.linux;

import io.netpersona.model.IpAddress;
import io.netpersona.model.Persona;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * For an application behind a host: its firewall ({@code spec.security}), its traffic counters and its
 * QoS steering ({@code meta priority} to its HTB class, DSCP), as elements of the host's shared table
 * ({@link HostTable}). An application that is its own host keeps its firewall in its own namespace
 * ({@link FirewallCompiler}).
 */
final class HostEntriesCompiler implements FieldCompiler {
    @Override
    public void compile(Persona persona, AppContext app, HostView view, Desired out) {
        boolean needed = persona.spec().security() != null || persona.spec().qos() != null;
        if (app.host().isEmpty() || app.scope().isEmpty() || !needed) {
            return;
        }
        List<IpAddress> addresses = addresses(view, app.scope());
        if (addresses.isEmpty()) {
            out.problem("spec.app.netns", app.scope() + " (expected: a namespace with an address: the host tells "
                    + "the application's traffic by it)");
            return;
        }
        String scope = app.hostScope();
        out.add(HostTableKind.of(scope));
        out.add(HostEntriesKind.of(scope, persona.name(), addresses.stream().map(IpAddress::toString).toList(),
                app.ids().minor(), HostTable.entries(persona, addresses, app.ids().minor(), app.ids().classid())));
    }

    /** The application's global addresses (not loopback, not link-local), in a stable order. */
    static List<IpAddress> addresses(HostView view, String scope) {
        List<IpAddress> out = new ArrayList<>();
        for (JsonNode link : view.addresses(scope)) {
            for (JsonNode a : link.path("addr_info")) {
                if ("global".equals(a.path("scope").asString(""))) {
                    out.add(IpAddress.parse(a.path("local").asString()));
                }
            }
        }
        out.sort(java.util.Comparator.comparing(IpAddress::toString));
        return out;
    }
}
