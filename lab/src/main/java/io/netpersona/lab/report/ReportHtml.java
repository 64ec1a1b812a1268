package io.netpersona.lab.report;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code lab-report.html}: one self-contained page (no scripts, no fetches) with the table of phases, the
 * latency distribution of every latency-bound application before and after, and each application's
 * metrics over the run with the faults and the engine's changes marked on them.
 */
public final class ReportHtml {
    private static final String ONSET = "#d62728", APPLIED = "#2ca02c", REVERTED = "#ff7f0e";

    private ReportHtml() {
    }

    public static void write(LabReport report, Path file) {
        ReportJson.writeAtomically(html(report), file);
    }

    public static String html(LabReport report) {
        StringBuilder h = new StringBuilder();
        h.append("""
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <title>netpersona lab report</title>
                <style>
                body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
                table { border-collapse: collapse; margin: 1em 0; }
                th, td { border-bottom: 1px solid #ddd; padding: 3px 10px; text-align: right; }
                th:nth-child(-n+3), td:nth-child(-n+3) { text-align: left; }
                .chart .axis { stroke: #444; } .chart .grid { stroke: #eee; }
                .chart text { font-size: 11px; font-family: system-ui, sans-serif; } .chart .title { font-weight: bold; font-size: 13px; }
                .charts { display: flex; flex-wrap: wrap; gap: 1em; }
                </style>
                </head>
                <body>
                """);
        h.append("<h1>netpersona lab</h1>\n<p>Run started ").append(Html.escape(report.startedAt())).append(", ")
                .append(Html.escape(report.mode())).append(" mode.</p>\n");
        phases(h, report);
        h.append("<h2>Latency distribution</h2>\n<div class=\"charts\" id=\"distributions\">\n");
        for (LabReport.App app : report.apps()) {
            Chart c = distribution(app);
            if (!c.isEmpty()) {
                h.append(c.svg());
            }
        }
        h.append("</div>\n<h2>Over the run</h2>\n<p>Dashed red: a fault begins. Green: the engine's change is in the kernel; orange: a change reverted.</p>\n");
        h.append("<div class=\"charts\" id=\"timelines\">\n");
        for (LabReport.Series series : report.timeline()) {
            h.append(timeline(series, report.events()).svg());
        }
        h.append("</div>\n");
        events(h, report.events());
        if (!report.notes().isEmpty()) {
            h.append("<h2>Notes</h2>\n<ul>\n");
            for (String n : report.notes()) {
                h.append("<li>").append(Html.escape(n)).append("</li>\n");
            }
            h.append("</ul>\n");
        }
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    static Chart distribution(LabReport.App app) {
        Chart c = new Chart(app.name() + ": latency distribution", "latency (ms, log scale)", "percent of samples at or below", true);
        for (Map.Entry<String, LabReport.Phase> e : app.phases().entrySet()) {
            List<Double> q = e.getValue().latencyQuantilesMs();
            if (q.isEmpty()) {
                continue;
            }
            double[] x = new double[q.size()], y = new double[q.size()];
            for (int i = 0; i < q.size(); i++) {
                x[i] = q.get(i);
                y[i] = i;
            }
            c.line(e.getKey(), x, y);
        }
        return c;
    }

    static Chart timeline(LabReport.Series series, List<LabReport.Event> events) {
        Chart c = new Chart(series.app() + ": " + series.metric(), "seconds from the start", series.metric() + " (" + series.unit() + ")", false);
        double[] x = new double[series.points().size()], y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = series.points().get(i).tMs() / 1000.0;
            y[i] = series.points().get(i).value();
        }
        c.line(series.metric(), x, y);
        for (LabReport.Event e : events) {
            if (!e.app().equals(series.app())) {
                continue;
            }
            c.marker(new Chart.Marker(e.onsetMs() / 1000.0, e.kind(), e.kind() + " begins", true, ONSET));
            if (e.appliedMs() != null) {
                c.marker(new Chart.Marker(e.appliedMs() / 1000.0, e.outcome(), e.change(), false, "reverted".equals(e.outcome()) ? REVERTED : APPLIED));
            }
        }
        return c;
    }

    private static void phases(StringBuilder h, LabReport report) {
        h.append("<h2>Applications</h2>\n<table id=\"phases\">\n<tr><th>application</th><th>class</th><th>phase</th><th>p50 ms</th><th>p99 ms</th>"
                + "<th>Mbit/s</th><th>loss %</th><th>vs unloaded</th><th>vs baseline</th></tr>\n");
        for (LabReport.App app : report.apps()) {
            for (Map.Entry<String, LabReport.Phase> e : app.phases().entrySet()) {
                LabReport.Phase p = e.getValue();
                h.append("<tr><td>").append(Html.escape(app.name())).append("</td><td>").append(Html.escape(app.trafficClass()))
                        .append("</td><td>").append(Html.escape(e.getKey())).append("</td>");
                for (Double v : new Double[] {p.latencyP50Ms(), p.latencyP99Ms(), p.throughputMbps(), p.lossPct()}) {
                    h.append("<td>").append(ReportTable.number(v)).append("</td>");
                }
                h.append("<td>").append(e.getKey().equals(LabReport.UNLOADED) ? "" : Html.escape(ReportTable.ratio(app, p, LabReport.UNLOADED)))
                        .append("</td><td>").append(e.getKey().equals(LabReport.BASELINE) ? "" : Html.escape(ReportTable.ratio(app, p, LabReport.BASELINE)))
                        .append("</td></tr>\n");
            }
        }
        h.append("</table>\n");
    }

    private static void events(StringBuilder h, List<LabReport.Event> events) {
        h.append("<h2>Adaptations</h2>\n");
        if (events.isEmpty()) {
            h.append("<p>None.</p>\n");
            return;
        }
        h.append("<table id=\"events\">\n<tr><th>onset</th><th>kind</th><th>application</th><th>applied</th><th>reaction</th><th>change</th><th>outcome</th></tr>\n");
        for (LabReport.Event e : events) {
            h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>%n",
                    ReportTable.seconds(e.onsetMs()), Html.escape(e.kind()), Html.escape(e.app()), ReportTable.seconds(e.appliedMs()),
                    e.reactionMs() == null ? "-" : String.format(Locale.ROOT, "%.1f s", e.reactionMs() / 1000.0),
                    Html.escape(e.change()), Html.escape(e.outcome())));
        }
        h.append("</table>\n");
    }
}
