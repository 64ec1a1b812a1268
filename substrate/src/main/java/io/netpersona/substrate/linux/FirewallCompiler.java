package io.netpersona.substrate.linux;

import io.netpersona.model.AllowRule;
import io.netpersona.model.Cidr;
import io.netpersona.model.Direction;
import io.netpersona.model.Persona;
import io.netpersona.model.Protocol;
import io.netpersona.model.Security;
import java.util.List;

/**
 * {@code spec.security}: one nftables table per persona in the application's own namespace, named
 * {@code netpersona-<persona>} (see {@link FirewallScript} for its shape). An absent
 * {@code defaultAction} means accept, as an absent field leaves the host alone.
 *
 * <p>Refused for an application without a namespace: a table in the machine's own namespace would filter
 * every other application and the machine's own management traffic with the persona's policy, and a
 * persona owns only its application.
 */
final class FirewallCompiler implements FieldCompiler {
    @Override
    public void compile(Persona persona, AppContext app, HostView view, Desired out) {
        Security security = persona.spec().security();
        if (security == null || app.host().isPresent()) {
            return; // behind a host, the host's shared table filters the application (HostEntriesCompiler)
        }
        if (app.scope().isEmpty()) {
            out.problem("spec.security", "needs spec.app.netns (a firewall in the machine's own namespace would apply "
                    + "the persona's policy to every other application and to the machine's own traffic)");
            return;
        }
        List<AllowRule> allow = security.allow() == null ? List.of() : security.allow();
        int problems = 0;
        for (int i = 0; i < allow.size(); i++) {
            AllowRule r = allow.get(i);
            boolean in = r.direction() == Direction.INGRESS;
            Cidr peer = in ? r.from() : r.to();
            String path = "spec.security.allow[" + i + "]." + (in ? "from" : "to");
            if (peer != null && r.proto() == Protocol.ICMP && !peer.network().isIpv4()) {
                out.problem(path, peer + " (expected: an IPv4 prefix for proto icmp; IPv6 peers need proto icmpv6)");
                problems++;
            }
            if (peer != null && r.proto() == Protocol.ICMPV6 && peer.network().isIpv4()) {
                out.problem(path, peer + " (expected: an IPv6 prefix for proto icmpv6; IPv4 peers need proto icmp)");
                problems++;
            }
        }
        if (problems == 0) {
            out.add(NftTableKind.of(app.scope(), FirewallScript.table(persona.name()),
                    FirewallScript.render(persona.name(), security)));
        }
    }
}
