package io.netpersona.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What of a lab exists, read from the kernel and the delay element's status file (not from what the lab
 * meant to build): its namespaces and their links, each path's actual rate, delay, loss and MTU with their
 * packet counters, and whether the delay element is alive. {@code problems} says what is missing or broken.
 */
public record LabStatus(String prefix, String stateDir, State state, List<NamespaceInfo> namespaces, List<PathInfo> paths,
                        DelayElementInfo delayElement, String picture, List<String> problems) {
    public enum State {
        /** Every namespace, queue and rule there, the delay element alive. */
        UP,
        /** Nothing of the lab exists. */
        DOWN,
        /** Some of it exists: see problems; {@code persona lab down} or {@code up} clears it. */
        BROKEN
    }

    public LabStatus {
        namespaces = List.copyOf(namespaces);
        paths = List.copyOf(paths);
        problems = List.copyOf(problems);
    }

    /** A namespace, its role ({@code router}, {@code wire site-a}, {@code host site-a}, {@code app arena site-a}, {@code client}), its links. */
    public record NamespaceInfo(String name, String role, boolean exists, String address, List<LinkInfo> links) {}

    /** A device: operational state, MTU and the root qdisc's kind. */
    public record LinkInfo(String name, String state, int mtu, String qdisc) {}

    /**
     * A path between the router and a site as the kernel has it: the wire's rate in each direction, the
     * FIFO's length, the delay element's one-way delay, the configured loss (percent per direction), the
     * path MTU, the packets that went each way and those the loss rule dropped (since the last change).
     */
    public record PathInfo(String site, String rateToSite, String rateFromSite, int fifoPackets, String delay, double lossPercent,
                           int mtu, String uplink, long packetsToSite, long droppedToSite, long packetsFromSite, long droppedFromSite) {}

    /** The delay element: its pid, whether it runs, how long ago it last reported, and what it forwarded. */
    public record DelayElementInfo(Long pid, boolean alive, Long heartbeatAgeMillis, long packetsPassed, long packetsDropped) {}

    /** For people: what exists, site by site. */
    public String text() {
        List<String> out = new ArrayList<>();
        out.add("lab " + prefix + " (" + stateDir + "): " + state.name().toLowerCase(Locale.ROOT));
        if (state == State.DOWN) {
            return out.getFirst() + " (nothing of it exists; 'persona lab up' builds it)\n";
        }
        for (PathInfo p : paths) {
            out.add(String.format(Locale.ROOT, "  %s  uplink %s, rate %s down / %s up, FIFO %d packets; path: delay %s one way, loss %s%% each way, MTU %d",
                    p.site(), p.uplink(), p.rateToSite(), p.rateFromSite(), p.fifoPackets(), p.delay(), LabBuild.percent(p.lossPercent()), p.mtu()));
            out.add(String.format(Locale.ROOT, "          packets to the site %d (dropped %d), from it %d (dropped %d)",
                    p.packetsToSite(), p.droppedToSite(), p.packetsFromSite(), p.droppedFromSite()));
        }
        for (NamespaceInfo n : namespaces) {
            String links = String.join(" ", n.links().stream().map(l -> l.name() + "(" + l.state().toLowerCase(Locale.ROOT)
                    + ", mtu " + l.mtu() + (l.qdisc().isEmpty() || l.qdisc().equals("noqueue") ? "" : ", " + l.qdisc()) + ")").toList());
            out.add(String.format(Locale.ROOT, "  %-16s %-18s %-13s %s", n.name(), n.role(), n.address() == null ? "" : n.address(),
                    n.exists() ? links : "MISSING"));
        }
        DelayElementInfo d = delayElement;
        out.add("  delay element: " + (d.pid() == null ? "none" : "pid " + d.pid() + (d.alive() ? ", alive" : ", NOT RUNNING"))
                + (d.heartbeatAgeMillis() == null ? "" : ", last report " + d.heartbeatAgeMillis() + " ms ago")
                + ", passed " + d.packetsPassed() + " packets, dropped " + d.packetsDropped());
        if (picture != null) {
            out.add("  host picture: " + picture);
        }
        problems.forEach(p -> out.add("  problem: " + p));
        return String.join("\n", out) + "\n";
    }
}
