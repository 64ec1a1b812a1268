package io.netpersona.substrate.linux.netlink;

/**
 * An address of a device as {@code RTM_NEWADDR} describes it: family ({@code AF_INET} 2 or
 * {@code AF_INET6} 10), the device's index, prefix length, scope ({@code RT_SCOPE_*}: 0 global, 253 link,
 * 254 host), the local address, the peer of a point-to-point address ("" when there is none: ip prints
 * it as {@code address} only when it differs from the local one), the IPv4 label and broadcast ("" when absent).
 */
public record Address(int family, int index, int prefixLength, int scope, String local, String peer, String label,
        String broadcast) {}
