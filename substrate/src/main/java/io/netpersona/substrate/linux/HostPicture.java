package io.netpersona.substrate.linux;

import io.netpersona.model.Names;
import io.netpersona.model.Rate;
import java.util.List;
import java.util.Optional;

/**
 * What the driver must know about the hosts it shapes (DESIGN.md, "Where QoS acts"): each host's
 * namespace ("" for the machine's own), its uplink device and capacity, the IFB device that shapes what
 * arrives over that uplink, and the namespaces of the applications behind it. An application whose
 * namespace is not behind any host is its own host.
 */
public record HostPicture(List<Host> hosts) {
    public HostPicture {
        hosts = List.copyOf(hosts);
    }

    public static HostPicture none() {
        return new HostPicture(List.of());
    }

    /** A host: the queue for its applications forms at {@code uplink} (egress) and {@code ifb} (ingress). */
    public record Host(String name, String netns, String uplink, Rate capacity, String ifb, List<String> apps) {
        public Host {
            apps = List.copyOf(apps);
            if (!netns.isEmpty() && !Names.isNetns(netns)) {
                throw new IllegalArgumentException("host " + name + ": netns " + netns + " (expected: " + Names.NETNS_EXPECTED + ")");
            }
            for (String dev : ifb == null ? List.of(uplink) : List.of(uplink, ifb)) {
                if (!Names.isInterface(dev)) {
                    throw new IllegalArgumentException("host " + name + ": device " + dev + " (expected: " + Names.IFNAME_EXPECTED + ")");
                }
            }
        }
    }

    /** The host an application's namespace sits behind, if any. */
    public Optional<Host> hostOf(String appNetns) {
        return hosts.stream().filter(h -> h.apps().contains(appNetns)).findFirst();
    }
}
