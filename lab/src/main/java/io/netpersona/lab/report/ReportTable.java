package io.netpersona.lab.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report for a terminal: application x phase, then the adaptations in the order they happened. */
public final class ReportTable {
    private ReportTable() {
    }

    public static String text(LabReport report) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"application", "class", "phase", "p50 ms", "p99 ms", "Mbit/s", "loss %", "vs unloaded", "vs baseline"});
        for (LabReport.App app : report.apps()) {
            boolean first = true;
            for (Map.Entry<String, LabReport.Phase> e : app.phases().entrySet()) {
                LabReport.Phase p = e.getValue();
                rows.add(new String[] {first ? app.name() : "", first ? app.trafficClass() : "", e.getKey(),
                        number(p.latencyP50Ms()), number(p.latencyP99Ms()), number(p.throughputMbps()), number(p.lossPct()),
                        e.getKey().equals(LabReport.UNLOADED) ? "" : ratio(app, p, LabReport.UNLOADED),
                        e.getKey().equals(LabReport.BASELINE) ? "" : ratio(app, p, LabReport.BASELINE)});
                first = false;
            }
        }
        StringBuilder out = new StringBuilder(columns(rows));
        out.append('\n');
        if (report.events().isEmpty()) {
            out.append("adaptations: none\n");
        } else {
            out.append("adaptations (times from the start of the run):\n");
            for (LabReport.Event ev : report.events()) {
                String applied = ev.appliedMs() == null ? "nothing applied"
                        : String.format(Locale.ROOT, "applied at %s, %s after onset", seconds(ev.appliedMs()), seconds(ev.reactionMs()));
                out.append(String.format(Locale.ROOT, "  %8s  %-15s %-10s %s: %s [%s]%n", seconds(ev.onsetMs()), ev.kind(), ev.app(),
                        applied, ev.change().isEmpty() ? "-" : ev.change(), ev.outcome()));
            }
            out.append(reactions(report.events()));
        }
        for (String note : report.notes()) {
            out.append("note: ").append(note).append('\n');
        }
        return out.toString();
    }

    /**
     * The measure of the engine's speed over the run: from each fault's onset to its change in the kernel, the
     * 95th percentile (nearest rank) and the slowest, over the changes made; faults answered by no change are counted
     * apart, since they have no time to count.
     */
    static String reactions(List<LabReport.Event> events) {
        List<Long> ms = events.stream().map(LabReport.Event::reactionMs).filter(java.util.Objects::nonNull).sorted().toList();
        long none = events.stream().filter(e -> e.reactionMs() == null).count();
        String unanswered = none == 0 ? "" : String.format(Locale.ROOT, "; %d with no change", none);
        if (ms.isEmpty()) {
            return "reaction (onset to the change in the kernel): no change made" + unanswered + "\n";
        }
        long p95 = ms.get((int) Math.ceil(0.95 * ms.size()) - 1);
        return String.format(Locale.ROOT, "reaction (onset to the change in the kernel): p95 %.1f s, slowest %.1f s, over %d change%s%s%n",
                p95 / 1000.0, ms.getLast() / 1000.0, ms.size(), ms.size() == 1 ? "" : "s", unanswered);
    }

    /**
     * The application's own measure in this phase against another phase: p99 latency for latency-bound
     * applications, throughput for the others; {@code x0.50} means half of the other phase's value.
     */
    static String ratio(LabReport.App app, LabReport.Phase p, String against) {
        LabReport.Phase other = app.phases().get(against);
        if (other == null) {
            return "";
        }
        Double now = app.measure() == LabReport.Measure.LATENCY ? p.latencyP99Ms() : p.throughputMbps();
        Double then = app.measure() == LabReport.Measure.LATENCY ? other.latencyP99Ms() : other.throughputMbps();
        if (now == null || then == null || then == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%s x%.2f", app.measure() == LabReport.Measure.LATENCY ? "p99" : "Mbit/s", now / then);
    }

    static String number(Double v) {
        if (v == null) {
            return "-";
        }
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", v);
    }

    static String seconds(Long ms) {
        return ms == null ? "-" : String.format(Locale.ROOT, "+%.1f s", ms / 1000.0);
    }

    private static String columns(List<String[]> rows) {
        int[] width = new int[rows.getFirst().length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                // names and words left, numbers right
                String cell = i < 3 ? pad(r[i], width[i], false) : pad(r[i], width[i], true);
                line.append(cell).append(i + 1 < r.length ? "  " : "");
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(width - s.length());
        return right ? fill + s : s + fill;
    }
}
