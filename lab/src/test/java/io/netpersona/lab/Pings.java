package io.netpersona.lab;

import io.netpersona.substrate.linux.Commands;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What ping printed: each reply's round-trip time, and how many were sent and received. */
record Pings(List<Double> rttMillis, int sent, int received, String output) {
    private static final Pattern TIME = Pattern.compile("time=([0-9.]+) ms");
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");

    static Pings parse(String output) {
        List<Double> rtts = new ArrayList<>();
        Matcher m = TIME.matcher(output);
        while (m.find()) {
            rtts.add(Double.parseDouble(m.group(1)));
        }
        Matcher s = SUMMARY.matcher(output);
        if (!s.find()) {
            throw new AssertionError("no ping summary in: " + output);
        }
        return new Pings(rtts, Integer.parseInt(s.group(1)), Integer.parseInt(s.group(2)), output);
    }

    static Pings of(Commands.Result r) {
        return parse(r.stdout() + r.stderr());
    }

    /** The replies after the first {@code n}, in the order they came: a measure of what followed a start. */
    Pings after(int n) {
        return new Pings(rttMillis.subList(Math.min(n, rttMillis.size()), rttMillis.size()), sent, received, output);
    }

    double lossPercent() {
        return 100.0 * (sent - received) / sent;
    }

    double percentile(double p) {
        if (rttMillis.isEmpty()) {
            throw new AssertionError("no replies: " + output);
        }
        List<Double> sorted = rttMillis.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100 * sorted.size()) - 1));
    }

    double min() {
        return percentile(0.0001);
    }
}
