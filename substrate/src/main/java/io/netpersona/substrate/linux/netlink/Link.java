package io.netpersona.substrate.linux.netlink;

import java.util.Optional;

/**
 * A network device as {@code RTM_NEWLINK} describes it: index, name, link type ({@code ifi_type}, an
 * ARPHRD number), flags ({@code IFF_*}), MTU, the smallest and largest MTU the device takes (-1 when the
 * kernel did not say, as kernels before 4.18 do not), operational state ({@code IF_OPER_*}), hardware
 * address ("" when it has none) and its 64-bit counters, when the kernel sent them.
 */
public record Link(int index, String name, int type, int flags, long mtu, long minMtu, long maxMtu, int operState,
        String address, Optional<Counters> counters) {

    /** {@code struct rtnl_link_stats64}, the fields ip prints with {@code -s}. */
    public record Counters(long rxPackets, long txPackets, long rxBytes, long txBytes, long rxErrors, long txErrors,
            long rxDropped, long txDropped, long multicast, long collisions, long rxOverErrors, long txCarrierErrors) {}
}
