package io.netpersona.substrate.linux;

import io.netpersona.substrate.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the text of {@code ss -tinH}: per socket a line {@code STATE RECV-Q SEND-Q LOCAL PEER} and an
 * indented line of kernel TCP state ({@code cubic wscale:7,7 rto:204 rtt:0.04/0.02 ... cwnd:10 ...
 * delivery_rate 1.2Gbps ... retrans:0/3}). ss has no JSON output; its text is stable across iproute2
 * versions, and fields it leaves out (a socket without samples has no rtt) read as zero.
 */
final class TcpInfoParser {
    /** Bare words ss prints before the congestion control's name. */
    private static final Set<String> FLAGS = Set.of("ts", "sack", "ecn", "ecnseen", "fastopen");

    private TcpInfoParser() {}

    static List<Metrics.TcpSocket> parse(String text) {
        List<Metrics.TcpSocket> out = new ArrayList<>();
        String[] head = null;
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (!Character.isWhitespace(line.charAt(0))) {
                if (head != null) {
                    out.add(socket(head, ""));
                }
                head = line.strip().split("\\s+");
            } else if (head != null) {
                out.add(socket(head, line.strip()));
                head = null;
            }
        }
        if (head != null) {
            out.add(socket(head, ""));
        }
        return out;
    }

    private static Metrics.TcpSocket socket(String[] head, String info) {
        String state = head[0];
        String local = head.length > 3 ? head[3] : "";
        String peer = head.length > 4 ? head[4] : "";
        String cc = "";
        double rtt = 0;
        double rttVar = 0;
        long retrans = 0;
        long delivery = 0;
        long cwnd = 0;
        long dataSegs = 0;
        long dsack = 0;
        String[] t = info.isEmpty() ? new String[0] : info.split("\\s+");
        boolean leading = true;
        for (int i = 0; i < t.length; i++) {
            String w = t[i];
            if (leading && !w.contains(":")) {
                if (!FLAGS.contains(w)) {
                    cc = w;
                    leading = false;
                }
                continue;
            }
            leading = false;
            if (w.startsWith("rtt:")) {
                String[] v = w.substring(4).split("/");
                rtt = number(v[0]);
                rttVar = v.length > 1 ? number(v[1]) : 0;
            } else if (w.startsWith("cwnd:")) {
                cwnd = (long) number(w.substring(5));
            } else if (w.startsWith("data_segs_out:")) {
                dataSegs = (long) number(w.substring(14));
            } else if (w.startsWith("dsack_dups:")) {
                dsack = (long) number(w.substring(11));
            } else if (w.startsWith("retrans:")) {
                String v = w.substring(8);
                retrans = (long) number(v.substring(v.indexOf('/') + 1));
            } else if (w.equals("delivery_rate") && i + 1 < t.length) {
                delivery = rate(t[++i]);
            }
        }
        // ss prints no count of timeouts: 0, unknown
        return new Metrics.TcpSocket(local, peer, state, cc, rtt, rttVar, retrans, delivery, cwnd, dataSegs, dsack, 0);
    }

    /** {@code 302355624bps}, {@code 1.2Mbps}, {@code 12Kbps}, {@code 1.5Gbps} in bits per second. */
    static long rate(String text) {
        String s = text.toLowerCase(Locale.ROOT);
        if (!s.endsWith("bps")) {
            return 0;
        }
        s = s.substring(0, s.length() - 3);
        double scale = 1;
        char unit = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
        switch (unit) {
            case 'k' -> scale = 1e3;
            case 'm' -> scale = 1e6;
            case 'g' -> scale = 1e9;
            case 't' -> scale = 1e12;
            default -> { }
        }
        if (scale != 1) {
            s = s.substring(0, s.length() - 1);
        }
        return Math.round(number(s) * scale);
    }

    /** A number of ss's, or 0 for text that is not one (a field of a newer ss in a form not known here). */
    private static double number(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
