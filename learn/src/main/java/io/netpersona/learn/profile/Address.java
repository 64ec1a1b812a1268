package io.netpersona.learn.profile;

import io.netpersona.model.IpAddress;
import io.netpersona.model.Protocol;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/** Addresses, endpoints and shares as the profile's reasons write them. */
final class Address {
    private Address() {
    }

    static int compare(InetAddress a, InetAddress b) {
        byte[] x = a.getAddress(), y = b.getAddress();
        return x.length != y.length ? Integer.compare(x.length, y.length) : Arrays.compareUnsigned(x, y);
    }

    static String text(InetAddress a) {
        return new IpAddress(a).toString();
    }

    static String text(Collection<InetAddress> all) {
        return String.join(", ", all.stream().map(Address::text).toList());
    }

    /** The model's protocol for an IP protocol number, or null when a persona cannot name it. */
    static Protocol protocol(int number) {
        return switch (number) {
            case 6 -> Protocol.TCP;
            case 17 -> Protocol.UDP;
            case 1 -> Protocol.ICMP;
            case 58 -> Protocol.ICMPV6;
            default -> null;
        };
    }

    /**
     * Whether a persona can name the endpoint: a protocol it knows, with a port where the protocol has them
     * (later IP fragments carry none and form flows with port 0).
     */
    static boolean nameable(int protocol, int port) {
        Protocol p = protocol(protocol);
        return p != null && (!p.hasPorts() || (port > 0 && port <= 65535));
    }

    static String endpoint(int protocol, int port) {
        Protocol p = protocol(protocol);
        String name = p == null ? "ip-proto-" + protocol : p.name().toLowerCase(Locale.ROOT);
        return p != null && p.hasPorts() ? name + "/" + port : name;
    }

    static String percent(long part, long whole) {
        double v = whole <= 0 ? 0 : 100.0 * part / whole;
        return v >= 10 || v == 0 ? String.format(Locale.ROOT, "%.0f%%", v) : String.format(Locale.ROOT, "%.1f%%", v);
    }
}
