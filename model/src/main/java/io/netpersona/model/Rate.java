package io.netpersona.model;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A data rate in bits per second. Written as people write rates: {@code 20Mbit}, {@code 1.5Gbit},
 * {@code 500kbit}; {@code Mbit/s} and {@code Mbps} mean the same (megabits, not tc's megabytes).
 * Prefixes are decimal (k = 1000).
 */
public record Rate(long bitsPerSecond) implements Comparable<Rate> {
    /** 10 Tbit/s: more than any link this works with, and far inside exact double arithmetic. */
    public static final long MAX_BITS_PER_SECOND = 10_000_000_000_000L;
    static final String EXPECTED = "a rate such as 20Mbit, 1.5Gbit or 500kbit";
    private static final Pattern SYNTAX =
            Pattern.compile("(-?)([0-9]+(?:\\.[0-9]+)?)\\s*([kKmMgGtT]?)(?:bit(?:/s)?|bps)");

    private static final Pattern BYTES =
            Pattern.compile("[0-9]+(?:\\.[0-9]+)?\\s*[kKmMgGtT]?i?(?:B|[bB]ytes?|Bps|B/s)(?:/s)?");

    public Rate {
        if (bitsPerSecond < 0 || bitsPerSecond > MAX_BITS_PER_SECOND) {
            throw new InvalidValueException("a rate between 0bit and 10Tbit");
        }
    }

    public static Rate ofBitsPerSecond(long bps) {
        return new Rate(bps);
    }

    public static Rate mbit(double mbit) {
        return new Rate(Math.round(mbit * 1_000_000));
    }

    /** Parses {@code 20Mbit}, {@code 1.5Gbit}, {@code 800kbit/s}, {@code 100Mbps}. */
    public static Rate parse(String text) {
        Matcher m = SYNTAX.matcher(text.strip());
        if (!m.matches()) {
            if (BYTES.matcher(text.strip()).matches()) {
                throw new InvalidValueException("a rate in bits such as 20Mbit (1MB/s is 8Mbit)");
            }
            throw new InvalidValueException(EXPECTED);
        }
        if (!m.group(1).isEmpty()) {
            throw new InvalidValueException("a positive rate such as 20Mbit");
        }
        long unit = switch (m.group(3).toLowerCase(Locale.ROOT)) {
            case "k" -> 1_000L;
            case "m" -> 1_000_000L;
            case "g" -> 1_000_000_000L;
            case "t" -> 1_000_000_000_000L;
            default -> 1L;
        };
        long bps = Decimals.times(m.group(2), unit, MAX_BITS_PER_SECOND);
        if (bps < 0) {
            throw new InvalidValueException("a rate of at most 10Tbit");
        }
        return new Rate(bps);
    }

    public double mbitPerSecond() {
        return bitsPerSecond / 1e6;
    }

    @Override
    public int compareTo(Rate o) {
        return Long.compare(bitsPerSecond, o.bitsPerSecond);
    }

    /** The shortest exact form: {@code 20Mbit}, {@code 1.5Gbit}, {@code 1234.567kbit}, {@code 7bit}. */
    @Override
    public String toString() {
        String[] names = {"Tbit", "Gbit", "Mbit", "kbit"};
        long[] units = {1_000_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L};
        for (int i = 0; i < units.length; i++) {
            if (bitsPerSecond >= units[i]) {
                String n = Decimals.exact(bitsPerSecond, units[i]);
                if (n != null) {
                    return n + names[i];
                }
            }
        }
        return bitsPerSecond + "bit";
    }
}
