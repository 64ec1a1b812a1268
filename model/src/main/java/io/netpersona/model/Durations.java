package io.netpersona.model;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them: {@code 10s}, {@code 250ms}, {@code 1.5s}, {@code 2m}, {@code 1h}, {@code 500us}. */
public final class Durations {
    static final String EXPECTED = "a duration such as 10s, 250ms, 2m or 1h";
    private static final Pattern SYNTAX = Pattern.compile("(-?)([0-9]+(?:\\.[0-9]+)?)\\s*(us|ms|s|m|h)");
    private static final long MAX_NANOS = Duration.ofDays(365).toNanos();

    private Durations() {}

    public static Duration parse(String text) {
        Matcher m = SYNTAX.matcher(text.strip());
        if (!m.matches()) {
            throw new InvalidValueException(EXPECTED);
        }
        if (!m.group(1).isEmpty()) {
            throw new InvalidValueException("a positive duration such as 10s");
        }
        long unit = switch (m.group(3)) {
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
        };
        long nanos = Decimals.times(m.group(2), unit, MAX_NANOS);
        if (nanos < 0) {
            throw new InvalidValueException("a duration of at most 365 days");
        }
        return Duration.ofNanos(nanos);
    }

    /** The shortest exact form: {@code 10s}, {@code 1.5s}, {@code 250ms}, {@code 2m}. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        String[] names = {"h", "m", "s", "ms", "us"};
        long[] units = {3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L};
        for (int i = 0; i < units.length; i++) {
            if (Math.abs(nanos) >= units[i]) {
                String n = Decimals.exact(nanos, units[i]);
                // minutes and hours only when whole: 90s reads better than 1.5m
                if (n != null && (i > 1 || !n.contains("."))) {
                    return n + names[i];
                }
            }
        }
        return Decimals.exact(nanos, 1_000L) + "us";
    }
}
