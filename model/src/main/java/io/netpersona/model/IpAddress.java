package io.netpersona.model;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address, parsed from a literal only (never a name lookup), kept in canonical text:
 * dotted quad for IPv4, RFC 5952 compressed lower case for IPv6.
 */
public record IpAddress(InetAddress address) {
    static final String EXPECTED = "an IPv4 or IPv6 address such as 10.201.2.2 or fd00::2";
    private static final Pattern V4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
            + "(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern V6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

    public IpAddress {
        if (address == null) {
            throw new InvalidValueException(EXPECTED);
        }
    }

    public static IpAddress parse(String text) {
        String t = text.strip();
        if (V4.matcher(t).matches()) {
            return new IpAddress(InetAddress.ofLiteral(t));
        }
        if (t.contains(":") && V6_CHARS.matcher(t).matches()) {
            try {
                return new IpAddress(InetAddress.ofLiteral(t));
            } catch (IllegalArgumentException e) {
                throw new InvalidValueException(EXPECTED);
            }
        }
        throw new InvalidValueException(EXPECTED);
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    public int bits() {
        return isIpv4() ? 32 : 128;
    }

    public byte[] bytes() {
        return address.getAddress();
    }

    @Override
    public String toString() {
        if (address instanceof Inet6Address) {
            return compress(address.getAddress());
        }
        return address.getHostAddress();
    }

    /** RFC 5952: lower case, no leading zeros, the longest run (2+) of zero groups as "::". */
    private static String compress(byte[] b) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen && j - i >= 2) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (!s.isEmpty() && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }
}
