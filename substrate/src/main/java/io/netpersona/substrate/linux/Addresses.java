package io.netpersona.substrate.linux;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Small address arithmetic on the text forms ip prints ({@code 10.1.2.3}, {@code 10.1.2.0/24}, {@code fd00::1/64}). */
final class Addresses {
    private Addresses() {}

    /** One address of a device: family ({@code inet}/{@code inet6}), address, prefix length, scope. */
    record Assigned(String family, String address, int prefixLength, String scope) {
        String cidr() {
            return address + "/" + prefixLength;
        }

        /** Global: not loopback (host scope) and not link-local. */
        boolean global() {
            return !scope.equals("host") && !scope.equals("link");
        }
    }

    /** The addresses of {@code device} in a namespace (every device when device is null). */
    static List<Assigned> of(HostView view, String scope, String device) {
        List<Assigned> out = new ArrayList<>();
        for (JsonNode d : view.addresses(scope)) {
            if (device != null && !device.equals(d.path("ifname").asString())) {
                continue;
            }
            for (JsonNode a : d.path("addr_info")) {
                out.add(new Assigned(a.path("family").asString(""), a.path("local").asString(""),
                        a.path("prefixlen").asInt(), a.path("scope").asString("global")));
            }
        }
        return out;
    }

    /** Whether {@code address} lies in {@code network/prefixLength} (false for mixed families or bad text). */
    static boolean contains(String network, int prefixLength, String address) {
        byte[] n = bytes(network);
        byte[] a = bytes(address);
        if (n == null || a == null || n.length != a.length || prefixLength > n.length * 8) {
            return false;
        }
        for (int bit = 0; bit < prefixLength; bit++) {
            int mask = 0x80 >> (bit % 8);
            if ((n[bit / 8] & mask) != (a[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** The network of an IPv4 {@code address/len} as ip prints a connected route's destination. */
    static String network4(String cidr) {
        String[] p = cidr.split("/");
        int len = Integer.parseInt(p[1]);
        int a = toInt(bytes(p[0]));
        int mask = len == 0 ? 0 : -1 << (32 - len);
        return ipv4(a & mask) + "/" + len;
    }

    static String ipv4(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    static boolean isV6(String address) {
        return address.contains(":");
    }

    private static int toInt(byte[] b) {
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    private static byte[] bytes(String literal) {
        try {
            return InetAddress.ofLiteral(literal).getAddress();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
