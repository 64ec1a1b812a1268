package io.netpersona.substrate.linux.netlink;

import java.util.Optional;

/**
 * A qdisc or a class as {@code RTM_NEWQDISC}/{@code RTM_NEWTCLASS} describe it ({@code struct tcmsg}): the
 * device's index, its handle and its parent (32-bit {@code major:minor}, {@code 0xffffffff} for the root),
 * {@code tcm_info} (a class's leaf qdisc; a qdisc's reference count), its kind ({@code htb}, {@code tbf} ...),
 * its options as the kernel sent them (hex of {@code TCA_OPTIONS}, with the counters some kinds keep there
 * zeroed, so that equal text means equal configuration) and its counters ({@code TCA_STATS2}), when sent.
 */
public record TcObject(int index, int handle, int parent, int info, String kind, String options, Optional<Counters> counters) {
    public static final int ROOT = 0xffffffff;

    /** {@code gnet_stats_basic} and {@code gnet_stats_queue}: what {@code tc -s} prints as Sent and backlog. */
    public record Counters(long bytes, long packets, long qlen, long backlog, long drops, long requeues, long overlimits) {}
}
