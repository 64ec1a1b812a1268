package io.netpersona.lab;

import io.netpersona.substrate.linux.Commands;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a sender's TCP left slow start during a transfer, from its namespace's TcpExt counters: by HyStart (at which
 * congestion window), or not by HyStart (a loss, or the transfer ended first). Cubic's HyStart decides how much a
 * bulk flow overshoots into a deep FIFO, so a test that measures that FIFO prints it, to explain a small backlog.
 */
record SlowStart(Lab lab, String namespace, Map<String, Long> start) {
    private static final List<String> COUNTERS = List.of("TCPHystartTrainDetect", "TCPHystartTrainCwnd", "TCPHystartDelayDetect",
            "TCPHystartDelayCwnd", "TCPFastRetrans");

    static SlowStart before(Lab lab, String namespace) {
        return new SlowStart(lab, namespace, read(lab, namespace));
    }

    /** What changed since {@link #before}, in words. */
    String exit() {
        Map<String, Long> now = read(lab, namespace);
        if (now.isEmpty() || start.isEmpty()) {
            return "its TcpExt counters could not be read in " + namespace;
        }
        Map<String, Long> d = new HashMap<>();
        for (String c : COUNTERS) {
            d.put(c, now.getOrDefault(c, 0L) - start.getOrDefault(c, 0L));
        }
        String how;
        if (d.get("TCPHystartTrainDetect") > 0) {
            how = "HyStart (ACK train) at cwnd " + d.get("TCPHystartTrainCwnd") / d.get("TCPHystartTrainDetect");
        } else if (d.get("TCPHystartDelayDetect") > 0) {
            how = "HyStart (delay) at cwnd " + d.get("TCPHystartDelayCwnd") / d.get("TCPHystartDelayDetect");
        } else {
            how = "not by HyStart";
        }
        return "left slow start by " + how + ", " + d.get("TCPFastRetrans") + " fast retransmissions";
    }

    /** The namespace's TcpExt counters: /proc/net/netstat is per network namespace. */
    private static Map<String, Long> read(Lab lab, String namespace) {
        Commands.Result r = lab.exec(namespace, "cat", "/proc/net/netstat");
        Map<String, Long> values = new HashMap<>();
        if (!r.ok()) {
            return values;
        }
        String[] lines = r.stdout().split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith("TcpExt:") && lines[i + 1].startsWith("TcpExt:")) {
                String[] names = lines[i].trim().split("\\s+"), numbers = lines[i + 1].trim().split("\\s+");
                for (int k = 1; k < Math.min(names.length, numbers.length); k++) {
                    values.put(names[k], Long.parseLong(numbers[k]));
                }
            }
        }
        return values;
    }
}
