package io.netpersona.substrate.linux;

import io.netpersona.model.Dns;
import io.netpersona.model.IpAddress;
import io.netpersona.model.Persona;

/**
 * {@code spec.dns}: the namespace's own resolv.conf, {@code /etc/netns/NAME/resolv.conf}, which
 * {@code ip netns exec} binds over /etc/resolv.conf for the programs it starts.
 */
final class DnsCompiler implements FieldCompiler {
    static final String ROOT = "/etc/netns";

    @Override
    public void compile(Persona persona, AppContext app, HostView view, Desired out) {
        Dns dns = persona.spec().dns();
        if (dns == null) {
            return;
        }
        if (app.scope().isEmpty()) {
            out.problem("spec.dns", "needs spec.app.netns (the host's own /etc/resolv.conf is not a persona's to change)");
            return;
        }
        StringBuilder s = new StringBuilder("# written by netpersona for persona " + persona.name() + "\n");
        if (dns.servers() != null) {
            for (IpAddress a : dns.servers()) {
                s.append("nameserver ").append(a).append('\n');
            }
        }
        if (dns.search() != null && !dns.search().isEmpty()) {
            s.append("search ").append(String.join(" ", dns.search())).append('\n');
        }
        out.add(FileKind.of(ROOT + "/" + app.scope() + "/resolv.conf", s.toString()));
    }
}
