package io.netpersona.substrate.linux.netlink;

import java.util.Optional;

/**
 * A qdisc or a class as {@code RTM_NEWQDISC}/{@code RTM_NEWTCLASS} describe it ({@code struct tcmsg}): the
 * device's index, its handle and its parent (32-bit {@code major:minor}, {@code 0xffffffff} for the root),
 * its kind ({@code htb}, {@code tbf} ...) and its counters ({@code TCA_STATS2}), when the kernel sent them.
 */
public record TcObject(int index, int handle, int parent, String kind, Optional<Counters> counters) {
    public static final int ROOT = 0xffffffff;

    /** {@code gnet_stats_basic} and {@code gnet_stats_queue}: what {@code tc -s} prints as Sent and backlog. */
    public record Counters(long bytes, long packets, long qlen, long backlog, long drops, long requeues, long overlimits) {}
}
