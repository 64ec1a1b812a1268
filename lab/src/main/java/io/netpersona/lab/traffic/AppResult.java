package io.netpersona.lab.traffic;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Pattern;

/**
 * What a lab application measured of itself, as its users would: named numbers ({@code rttP99Ms},
 * {@code lossPct}, {@code throughputMbps}, ...), NaN where nothing was there to measure. An application process
 * prints it as one line, {@code result role=ROLE key=value ...}.
 */
public record AppResult(String role, Map<String, Double> metrics) {
    static final String PREFIX = "result ";
    private static final Pattern KEY = Pattern.compile("[A-Za-z][A-Za-z0-9]*");

    public AppResult {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        for (String k : metrics.keySet()) {
            if (!KEY.matcher(k).matches()) {
                throw new IllegalArgumentException("metric name " + k + " (expected: letters and digits)");
            }
        }
    }

    /** @throws NoSuchElementException naming the metric and those there are */
    public double get(String name) {
        Double v = metrics.get(name);
        if (v == null) {
            throw new NoSuchElementException(role + " measured no " + name + " (it has " + metrics.keySet() + ")");
        }
        return v;
    }

    String line() {
        StringBuilder b = new StringBuilder(PREFIX).append("role=").append(role);
        metrics.forEach((k, v) -> b.append(' ').append(k).append('=').append(format(v)));
        return b.toString();
    }

    private static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.6g", v);
    }

    /** @throws IllegalArgumentException naming the part of the line that is not {@code key=number} */
    static AppResult parse(String line) {
        if (!line.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a result line: " + line);
        }
        String role = null;
        Map<String, Double> m = new LinkedHashMap<>();
        for (String part : line.substring(PREFIX.length()).strip().split(" +")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("result line: " + part + " (expected: key=value)");
            }
            String k = part.substring(0, eq), v = part.substring(eq + 1);
            if (k.equals("role")) {
                role = v;
                continue;
            }
            try {
                m.put(k, Double.parseDouble(v));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("result line: " + k + "=" + v + " (expected: a number)");
            }
        }
        if (role == null) {
            throw new IllegalArgumentException("result line without role=: " + line);
        }
        return new AppResult(role, m);
    }

    @Override
    public String toString() {
        return line().substring(PREFIX.length());
    }
}
