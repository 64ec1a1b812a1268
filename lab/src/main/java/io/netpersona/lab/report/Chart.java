package io.netpersona.lab.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart drawn as inline SVG, so the report is one file that any browser shows without scripts or
 * network: axes with rounded ticks (linear, or logarithmic for latency, whose tail spans decades), one
 * polyline per line, vertical markers with labels, a legend.
 */
final class Chart {
    static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"};
    private static final int WIDTH = 720, HEIGHT = 300, LEFT = 64, RIGHT = 16, TOP = 28, BOTTOM = 44;

    record Line(String label, double[] x, double[] y) {}

    /** A vertical line at {@code x}: dashed for an onset, solid for an applied change. */
    record Marker(double x, String label, String detail, boolean dashed, String colour) {}

    private final String title, xLabel, yLabel;
    private final boolean logX;
    private final List<Line> lines = new ArrayList<>();
    private final List<Marker> markers = new ArrayList<>();

    Chart(String title, String xLabel, String yLabel, boolean logX) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.logX = logX;
    }

    Chart line(String label, double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException(label + ": " + x.length + " x values for " + y.length + " y values");
        }
        lines.add(new Line(label, x, y));
        return this;
    }

    Chart marker(Marker m) {
        markers.add(m);
        return this;
    }

    boolean isEmpty() {
        return lines.stream().allMatch(l -> l.x().length == 0);
    }

    String svg() {
        double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY, y1 = 0;
        for (Line l : lines) {
            for (int i = 0; i < l.x().length; i++) {
                double x = logX ? Math.max(l.x()[i], 0.01) : l.x()[i];
                x0 = Math.min(x0, x);
                x1 = Math.max(x1, x);
                y1 = Math.max(y1, l.y()[i]);
            }
        }
        for (Marker m : markers) {
            x0 = Math.min(x0, m.x());
            x1 = Math.max(x1, m.x());
        }
        if (!(x0 <= x1)) {
            x0 = logX ? 1 : 0;
            x1 = logX ? 10 : 1;
        }
        Scale xs = logX ? Scale.log(x0, x1, LEFT, WIDTH - RIGHT) : Scale.linear(Math.min(x0, 0), x1, LEFT, WIDTH - RIGHT);
        Scale ys = Scale.linear(0, y1 <= 0 ? 1 : y1, HEIGHT - BOTTOM, TOP);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">%n",
                WIDTH, HEIGHT, WIDTH, HEIGHT, Html.escape(title)));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" class=\"title\">%s</text>%n", LEFT, Html.escape(title)));
        axes(s, xs, ys);
        for (Marker m : markers) {
            double x = xs.at(m.x());
            s.append(String.format(Locale.ROOT, "<line class=\"marker\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"%s/>%n",
                    x, TOP, x, HEIGHT - BOTTOM, m.colour(), m.dashed() ? " stroke-dasharray=\"4 3\"" : ""));
            // labels near the right edge run leftwards so they stay inside the chart
            boolean right = x > LEFT + 0.7 * (WIDTH - LEFT - RIGHT);
            s.append(String.format(Locale.ROOT, "<text class=\"marker-label\" x=\"%.1f\" y=\"%d\" fill=\"%s\" text-anchor=\"%s\">%s<title>%s</title></text>%n",
                    right ? x - 3 : x + 3, TOP + 10, m.colour(), right ? "end" : "start", Html.escape(m.label()), Html.escape(m.detail())));
        }
        for (int i = 0; i < lines.size(); i++) {
            Line l = lines.get(i);
            String colour = COLOURS[i % COLOURS.length];
            StringBuilder pts = new StringBuilder();
            for (int k = 0; k < l.x().length; k++) {
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", xs.at(logX ? Math.max(l.x()[k], 0.01) : l.x()[k]), ys.at(l.y()[k])));
            }
            s.append(String.format(Locale.ROOT, "<polyline class=\"series\" data-label=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" points=\"%s\"/>%n",
                    Html.escape(l.label()), colour, pts.toString().trim()));
            s.append(String.format(Locale.ROOT, "<text class=\"legend\" x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n",
                    WIDTH - RIGHT - 150, TOP + 14 + 14 * i, colour, Html.escape(l.label())));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private void axes(StringBuilder s, Scale xs, Scale ys) {
        s.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>%n", LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM));
        s.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>%n", LEFT, TOP, LEFT, HEIGHT - BOTTOM));
        for (double t : xs.ticks()) {
            double x = xs.at(t);
            s.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>%n", x, TOP, x, HEIGHT - BOTTOM));
            s.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, HEIGHT - BOTTOM + 14, Scale.label(t)));
        }
        for (double t : ys.ticks()) {
            double y = ys.at(t);
            s.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>%n", LEFT, y, WIDTH - RIGHT, y));
            s.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 4, y + 4, Scale.label(t)));
        }
        s.append(String.format(Locale.ROOT, "<text class=\"axis-label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 8, Html.escape(xLabel)));
        s.append(String.format(Locale.ROOT, "<text class=\"axis-label\" transform=\"rotate(-90)\" x=\"%d\" y=\"14\" text-anchor=\"middle\">%s</text>%n",
                -(TOP + HEIGHT - BOTTOM) / 2, Html.escape(yLabel)));
    }

    /** Maps data values to pixels, and picks ticks a reader can read: 1, 2 or 5 times a power of ten. */
    record Scale(double lo, double hi, double from, double to, boolean log) {
        static Scale linear(double lo, double hi, double from, double to) {
            if (hi <= lo) {
                hi = lo + 1;
            }
            double step = step(hi - lo);
            return new Scale(Math.floor(lo / step) * step, Math.ceil(hi / step) * step, from, to, false);
        }

        static Scale log(double lo, double hi, double from, double to) {
            double a = Math.pow(10, Math.floor(Math.log10(lo))), b = Math.pow(10, Math.ceil(Math.log10(hi)));
            return new Scale(a, b <= a ? a * 10 : b, from, to, true);
        }

        double at(double v) {
            double f = log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
            return from + f * (to - from);
        }

        List<Double> ticks() {
            List<Double> out = new ArrayList<>();
            if (log) {
                for (double d = lo; d <= hi * 1.0001; d *= 10) {
                    out.add(d);
                }
                return out;
            }
            double step = step(hi - lo);
            for (double v = lo; v <= hi + step / 1e6; v += step) {
                out.add(Math.abs(v) < step / 1e6 ? 0 : v);
            }
            return out;
        }

        static double step(double range) {
            double raw = range / 5, p = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / p;
            return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
        }

        static String label(double v) {
            if (v == Math.rint(v) && Math.abs(v) < 1e9) {
                return String.format(Locale.ROOT, "%d", (long) v);
            }
            return String.format(Locale.ROOT, "%s", Double.toString(Math.round(v * 1000) / 1000.0));
        }
    }
}
