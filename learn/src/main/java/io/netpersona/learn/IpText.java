package io.netpersona.learn;

import java.net.Inet6Address;
import java.net.InetAddress;

/** Addresses as people write them: dotted IPv4, and IPv6 in its shortest form (RFC 5952). */
public final class IpText {
    private IpText() {
    }

    /** The most characters {@link #write} writes: an IPv6 address of eight four-digit groups. */
    public static final int MAX_CHARS = 39;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /**
     * Writes into {@code out} at {@code at} what {@link #of} writes for the address of IP version {@code version}
     * whose bytes are {@code hi} then {@code lo} (IPv4: the low 32 bits of {@code lo}); returns the position after
     * it. As {@link InetAddress#getByAddress(byte[])} does, an IPv4-mapped IPv6 address is written as IPv4.
     */
    public static int write(int version, long hi, long lo, char[] out, int at) {
        if (version == 4 || hi == 0 && (lo >>> 32) == 0xffffL) {
            for (int shift = 24; shift >= 0; shift -= 8) {
                at = decimal((int) (lo >>> shift) & 0xff, out, at);
                if (shift > 0) {
                    out[at++] = '.';
                }
            }
            return at;
        }
        // the longest run of two or more zero groups becomes "::" (the first such run on a tie), as in of()
        int bestStart = -1, bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (group(hi, lo, i) != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && group(hi, lo, j) == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        int start = at;
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out[at++] = ':';
                out[at++] = ':';
                i += bestLength - 1;
                continue;
            }
            if (at > start && out[at - 1] != ':') {
                out[at++] = ':';
            }
            int g = group(hi, lo, i);
            for (int shift = g >= 0x1000 ? 12 : g >= 0x100 ? 8 : g >= 0x10 ? 4 : 0; shift >= 0; shift -= 4) {
                out[at++] = HEX[(g >>> shift) & 15];
            }
        }
        return at;
    }

    private static int group(long hi, long lo, int i) {
        return (int) ((i < 4 ? hi >>> (48 - 16 * i) : lo >>> (48 - 16 * (i - 4))) & 0xffff);
    }

    private static int decimal(int v, char[] out, int at) {
        if (v >= 100) {
            out[at++] = (char) ('0' + v / 100);
        }
        if (v >= 10) {
            out[at++] = (char) ('0' + v / 10 % 10);
        }
        out[at++] = (char) ('0' + v % 10);
        return at;
    }

    public static String of(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] a = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (a[2 * i] & 0xff) << 8 | (a[2 * i + 1] & 0xff);
        }
        // the longest run of two or more zero groups becomes "::" (the first such run on a tie)
        int bestStart = -1, bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder b = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!b.isEmpty() && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            b.append(Integer.toHexString(groups[i]));
        }
        return b.toString();
    }
}
