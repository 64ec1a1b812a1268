package io.netpersona.lab;

import io.netpersona.substrate.linux.HostPicture;
import java.util.ArrayList;
import java.util.List;

/**
 * The names and addresses of a lab, derived from its configuration alone (so a later process, the
 * status reader or the cleaner, finds the same names). Every namespace and device starts with the prefix.
 *
 * <pre>
 *  client1 ─┐                                      ┌ wire-a (bridge, tbf+pfifo 1000 each way) ─ host-a ─ bridge ─ a-arena, a-video, ...
 *  client2 ─┴ r-cl bridge ─ router ─ dly-a (TUN) ──┤
 *            10.200.0.0/24            dly-b (TUN) ─┴ wire-b ─────────────────────────────────── host-b ─ bridge ─ (empty)
 * </pre>
 * Site N (a=1, b=2) owns 10.20N.0.0/16: the link router-host 10.20N.0.0/24 (router .1, host .2, through
 * the wire), the applications' bridge 10.20N.1.0/24 (host .1, applications from .10 in configuration order).
 */
public final class LabLayout {
    private final LabConfig config;
    private final String p;

    public LabLayout(LabConfig config) {
        this.config = config;
        this.p = config.prefix();
    }

    public LabConfig config() {
        return config;
    }

    public String prefix() {
        return p;
    }

    // namespaces

    public String router() {
        return p + "router";
    }

    /** The namespace that stands for the link between a site's host and the router: a bridge whose two ports shape. */
    public String wire(Site s) {
        return p + "wire-" + s.letter();
    }

    public String host(Site s) {
        return p + "host-" + s.letter();
    }

    public String app(Site s, String app) {
        return p + s.letter() + "-" + app;
    }

    /** Client {@code i}, counted from 1. */
    public String client(int i) {
        return p + "client" + i;
    }

    public List<String> clients() {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= config.clients(); i++) {
            out.add(client(i));
        }
        return out;
    }

    public List<String> apps(Site s) {
        return config.site(s).apps().stream().map(a -> app(s, a)).toList();
    }

    /** Every namespace, in the order they are built. */
    public List<String> namespaces() {
        List<String> out = new ArrayList<>(List.of(router()));
        for (Site s : Site.values()) {
            out.add(wire(s));
            out.add(host(s));
            out.addAll(apps(s));
        }
        out.addAll(clients());
        return out;
    }

    // devices

    /** The router's end of the link to a site's wire. */
    public String routerLink(Site s) {
        return p + "r-" + s.letter();
    }

    /** The TUN device of a site's delay element, in the router. */
    public String delayDevice(Site s) {
        return p + "dly-" + s.letter();
    }

    public String clientBridge() {
        return p + "r-cl";
    }

    String clientPort(int i) {
        return p + "r-c" + i;
    }

    /** The wire's port towards the router: its queue is the upload bottleneck. */
    public String wireToRouter(Site s) {
        return p + "w" + s.letter() + "-r";
    }

    /** The wire's port towards the host: its queue is the download bottleneck. */
    public String wireToHost(Site s) {
        return p + "w" + s.letter() + "-h";
    }

    String wireBridge(Site s) {
        return p + "w" + s.letter() + "-br";
    }

    /** The host's uplink: its egress is left free for the personas' HTB. */
    public String uplink(Site s) {
        return p + s.letter() + "-up";
    }

    /** The IFB device the substrate creates to shape what arrives over the uplink. */
    public String ifb(Site s) {
        return p + s.letter() + "-ifb";
    }

    public String hostBridge(Site s) {
        return p + s.letter() + "-br";
    }

    /** The host's end of an application's link: what it receives is what the application sends. */
    public String appPort(Site s, String app) {
        return p + s.letter() + "-" + app;
    }

    /** The device of an application or client namespace. */
    public String eth() {
        return p + "eth0";
    }

    // addresses (IPv4 only: the lab turns IPv6 off in its namespaces)

    public String sitePrefix(Site s) {
        return "10.20" + s.number() + ".0.0/16";
    }

    public String routerAddress(Site s) {
        return "10.20" + s.number() + ".0.1";
    }

    public String uplinkAddress(Site s) {
        return "10.20" + s.number() + ".0.2";
    }

    public String bridgeAddress(Site s) {
        return "10.20" + s.number() + ".1.1";
    }

    String appSubnet(Site s) {
        return "10.20" + s.number() + ".1.0/24";
    }

    public String appAddress(Site s, String app) {
        int i = config.site(s).apps().indexOf(app);
        if (i < 0) {
            throw new LabException("no application " + app + " on " + s.label() + " (there are: " + config.site(s).apps() + ")");
        }
        return "10.20" + s.number() + ".1." + (10 + i);
    }

    public String clientRouterAddress() {
        return "10.200.0.1";
    }

    public String clientAddress(int i) {
        if (i < 1 || i > config.clients()) {
            throw new LabException("no client " + i + " (expected: 1.." + config.clients() + ")");
        }
        return "10.200.0." + (10 + i);
    }

    /** The route table in the router that sends a site's traffic through its delay element. */
    int table(Site s) {
        return 200 + s.number();
    }

    /** What the substrate needs to shape the lab's hosts (DESIGN.md, "Where QoS acts"). */
    public HostPicture picture() {
        List<HostPicture.Host> hosts = new ArrayList<>();
        for (Site s : Site.values()) {
            hosts.add(new HostPicture.Host("host-" + s.letter(), host(s), uplink(s), config.site(s).rate(), ifb(s), apps(s)));
        }
        return new HostPicture(hosts);
    }
}
