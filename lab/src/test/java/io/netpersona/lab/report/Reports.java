package io.netpersona.lab.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A report as a run of the lab would give it: a game (latency) and a backup (throughput), a loss fault. */
final class Reports {
    private Reports() {
    }

    static double[] ramp(double from, double to, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = from + (to - from) * i / (n - 1);
        }
        return v;
    }

    static LabReport sample(String gameName) {
        Map<String, LabReport.Phase> game = new LinkedHashMap<>();
        game.put(LabReport.UNLOADED, LabReport.Phase.of(ramp(20, 22, 200), 0.1, 0.0));
        game.put(LabReport.BASELINE, LabReport.Phase.of(ramp(200, 900, 200), 0.1, 2.5));
        game.put(LabReport.PERSONA, LabReport.Phase.of(ramp(20, 24, 200), 0.1, 0.0));
        Map<String, LabReport.Phase> backup = new LinkedHashMap<>();
        backup.put(LabReport.UNLOADED, LabReport.Phase.of(new double[0], 19.0, 0.0));
        backup.put(LabReport.BASELINE, LabReport.Phase.of(new double[0], 18.0, 0.0));
        backup.put(LabReport.PERSONA, LabReport.Phase.of(new double[0], 17.1, 0.0));
        List<LabReport.Point> rtt = List.of(new LabReport.Point(0, 21), new LabReport.Point(1000, 22), new LabReport.Point(2000, 600),
                new LabReport.Point(3000, 23));
        List<LabReport.Point> mbps = List.of(new LabReport.Point(0, 18), new LabReport.Point(1000, 3), new LabReport.Point(2000, 3.2),
                new LabReport.Point(3000, 16.5));
        return new LabReport("2026-11-21T20:00:00Z", "quick",
                List.of(new LabReport.App(gameName, "realtime", LabReport.Measure.LATENCY, game),
                        new LabReport.App("backup", "bulk", LabReport.Measure.THROUGHPUT, backup)),
                List.of(new LabReport.Event("loss", "backup", 1000, 2800L, null, "congestion control cubic -> bbr", "kept")),
                List.of(new LabReport.Series(gameName, "p99 RTT", "ms", rtt), new LabReport.Series("backup", "throughput", "Mbit/s", mbps)),
                List.of("quick mode: phases of 5 s"));
    }
}
