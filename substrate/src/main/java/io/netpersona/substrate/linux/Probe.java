package io.netpersona.substrate.linux;

import io.netpersona.substrate.Capabilities;
import io.netpersona.substrate.Capabilities.Capability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds what this machine can do by trying it in a throwaway namespace: each qdisc and classifier the
 * driver might use, IFB, nftables, and the congestion controls the kernel has and lets namespaces use.
 */
final class Probe {
    static final List<String> QDISCS = List.of("htb", "tbf", "pfifo", "ingress", "clsact", "netem", "fq_codel", "fq",
            "cake", "prio", "sfq");
    private final Commands commands;
    private final Map<String, Capability> found = new LinkedHashMap<>();

    Probe(Commands commands) {
        this.commands = commands;
    }

    Capabilities run() {
        congestionControls();
        String ns = "np-probe-" + ProcessHandle.current().pid();
        Commands.Result add = commands.run(List.of("ip", "netns", "add", ns), null);
        put("namespaces", add.ok(), add.ok() ? "" : "cannot create a network namespace: " + add.complaint()
                + " (the Linux driver needs root, or CAP_NET_ADMIN and CAP_SYS_ADMIN)");
        if (add.ok()) {
            try {
                inNamespace(ns);
            } finally {
                commands.run(List.of("ip", "netns", "del", ns), null);
            }
        } else {
            for (String q : QDISCS) {
                put("qdisc/" + q, false, "not probed: no namespace to try it in");
            }
        }
        put("tun", Files.exists(Path.of("/dev/net/tun")), "no /dev/net/tun (the lab's delay element needs it)");
        String logAll = read("/proc/sys/net/netfilter/nf_log_all_netns").strip();
        put("nftables/log-from-namespaces", logAll.equals("1"), "net.netfilter.nf_log_all_netns is "
                + (logAll.isEmpty() ? "absent" : logAll) + ": the kernel discards log lines from namespaces other than "
                + "the machine's own, so spec.security.logDropped counts drops but they reach the kernel log only after "
                + "sysctl -w net.netfilter.nf_log_all_netns=1 (a machine-wide setting left to the operator)");
        return new Capabilities("linux", found);
    }

    private void inNamespace(String ns) {
        // a veth pair, not a dummy device: some kernels (this lab's) are built without dummy
        Commands.Result dev = commands.run(Commands.ip(ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1"), null);
        put("veth", dev.ok(), dev.ok() ? "" : "cannot create a veth pair: " + dev.complaint());
        if (dev.ok()) {
            commands.run(Commands.ip(ns, "link", "set", "d0", "up"), null);
            for (String q : QDISCS) {
                List<String> args = new java.util.ArrayList<>(q.equals("ingress") || q.equals("clsact")
                        ? List.of("qdisc", "add", "dev", "d0", q) : List.of("qdisc", "add", "dev", "d0", "root", q));
                if (q.equals("tbf")) { // tc refuses a tbf without its three numbers before the kernel is asked
                    args.addAll(List.of("rate", "1mbit", "burst", "10kb", "latency", "50ms"));
                }
                Commands.Result r = commands.run(Commands.tc(ns, args.toArray(String[]::new)), null);
                put("qdisc/" + q, r.ok(), r.ok() ? "" : "the kernel refuses it: " + r.complaint());
                commands.run(Commands.tc(ns, "qdisc", "del", "dev", "d0", q.equals("ingress") || q.equals("clsact") ? q : "root"), null);
            }
            classifiers(ns);
        }
        Commands.Result ifb = commands.run(Commands.ip(ns, "link", "add", "i0", "type", "ifb"), null);
        put("ifb", ifb.ok(), ifb.ok() ? "" : "cannot create an IFB device (ingress shaping needs it): " + ifb.complaint());
        Commands.Result nft = commands.run(Commands.nft(ns, "list", "ruleset"), null);
        put("nftables", nft.ok(), nft.ok() ? "" : "nft does not work here: " + nft.complaint()
                + " (install the nftables package)");
    }

    private void classifiers(String ns) {
        commands.run(Commands.tc(ns, "qdisc", "add", "dev", "d0", "root", "handle", "1:", "htb"), null);
        Map<String, List<String>> tries = Map.of(
                "u32", List.of("u32", "match", "u32", "0", "0", "flowid", "1:1"),
                "fw", List.of("handle", "1", "fw", "flowid", "1:1"),
                "flower", List.of("flower", "flowid", "1:1"),
                "matchall", List.of("matchall", "flowid", "1:1"),
                "basic", List.of("basic", "flowid", "1:1"),
                "cgroup", List.of("cgroup"));
        tries.forEach((name, tail) -> {
            List<String> args = new java.util.ArrayList<>(List.of("filter", "add", "dev", "d0", "parent", "1:",
                    "protocol", "ip", "prio", "1"));
            args.addAll(tail);
            Commands.Result r = commands.run(Commands.tc(ns, args.toArray(String[]::new)), null);
            put("classifier/" + name, r.ok(), r.ok() ? "" : "the kernel refuses it: " + r.complaint());
            commands.run(Commands.tc(ns, "filter", "del", "dev", "d0", "parent", "1:"), null);
        });
        found.put("classifier/u32-mark", new Capability("classifier/u32-mark", false,
                "u32 'match mark' is accepted and then ignored by this kernel family; classes are steered with "
                        + "nftables 'meta priority set' instead"));
    }

    private void congestionControls() {
        String available = read("/proc/sys/net/ipv4/tcp_available_congestion_control");
        String allowed = read("/proc/sys/net/ipv4/tcp_allowed_congestion_control");
        for (String cc : List.of("cubic", "bbr", "reno")) {
            boolean has = List.of(available.split("\\s+")).contains(cc);
            put("congestion/" + cc, has, "the kernel has no " + cc + " (available: " + available.strip() + ")");
            if (has && !List.of(allowed.split("\\s+")).contains(cc)) {
                found.put("congestion/" + cc + "/namespace-default", new Capability("congestion/" + cc + "/namespace-default",
                        false, "not in tcp_allowed_congestion_control (" + allowed.strip()
                        + "): namespaces cannot make it their default, so personas set it per route"));
            }
        }
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private void put(String name, boolean ok, String reason) {
        found.put(name, new Capability(name, ok, ok ? "" : reason));
    }
}
