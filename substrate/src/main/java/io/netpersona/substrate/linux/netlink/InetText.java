package io.netpersona.substrate.linux.netlink;

/**
 * Addresses in the text glibc's {@code inet_ntop} gives, which is what ip and ss print: IPv6 with the
 * longest run of two or more zero groups shortened to {@code ::} (the first of equal runs), lower-case hex,
 * and an embedded IPv4 address for IPv4-mapped ({@code ::ffff:10.0.0.1}) and -compatible forms.
 * {@link java.net.InetAddress} gives other text (and turns mapped addresses into IPv4 ones).
 */
final class InetText {
    private InetText() {}

    /** The text of 4 or 16 bytes (from {@code offset}), or null for any other length. */
    static String of(byte[] a) {
        return switch (a.length) {
            case 4 -> v4(a, 0);
            case 16 -> v6(a);
            default -> null;
        };
    }

    static String v4(byte[] a, int at) {
        return (a[at] & 0xff) + "." + (a[at + 1] & 0xff) + "." + (a[at + 2] & 0xff) + "." + (a[at + 3] & 0xff);
    }

    static String v6(byte[] a) {
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        }
        int bestBase = -1, bestLen = 0, curBase = -1, curLen = 0;
        for (int i = 0; i < 8; i++) {
            if (words[i] == 0) {
                if (curBase < 0) {
                    curBase = i;
                    curLen = 1;
                } else {
                    curLen++;
                }
            } else if (curBase >= 0) {
                if (curLen > bestLen) {
                    bestBase = curBase;
                    bestLen = curLen;
                }
                curBase = -1;
            }
        }
        if (curBase >= 0 && curLen > bestLen) {
            bestBase = curBase;
            bestLen = curLen;
        }
        if (bestLen < 2) {
            bestBase = -1;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) {
                    s.append(':');
                }
                continue;
            }
            if (i != 0) {
                s.append(':');
            }
            // glibc's rule for an embedded IPv4 address: ::a.b.c.d and ::ffff:a.b.c.d
            if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && words[5] == 0xffff))) {
                s.append(v4(a, 12));
                break;
            }
            s.append(Integer.toHexString(words[i]));
        }
        if (bestBase >= 0 && bestBase + bestLen == 8) {
            s.append(':');
        }
        return s.toString();
    }
}
