package io.netpersona.model;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size in bytes: {@code 32KiB}, {@code 1.5MiB}, {@code 64kB}, {@code 1500B} or a bare number of bytes.
 * {@code KiB}/{@code MiB}/{@code GiB} are binary (1024), {@code kB}/{@code KB}/{@code MB}/{@code GB} decimal.
 */
public record ByteSize(long bytes) implements Comparable<ByteSize> {
    public static final long MAX_BYTES = 1L << 50;
    static final String EXPECTED = "a size such as 32KiB, 1.5MiB, 64kB or 1500B";
    private static final Pattern SYNTAX = Pattern.compile("(-?)([0-9]+(?:\\.[0-9]+)?)\\s*([kKmMgGtT]i?)?(B)?");

    public ByteSize {
        if (bytes < 0 || bytes > MAX_BYTES) {
            throw new InvalidValueException("a size between 0B and 1PiB");
        }
    }

    public static ByteSize ofBytes(long bytes) {
        return new ByteSize(bytes);
    }

    public static ByteSize parse(String text) {
        Matcher m = SYNTAX.matcher(text.strip());
        // a prefix needs its B (32Ki alone is not a size); a bare number is bytes
        if (!m.matches() || (m.group(3) != null && m.group(4) == null)) {
            throw new InvalidValueException(EXPECTED);
        }
        if (!m.group(1).isEmpty()) {
            throw new InvalidValueException("a positive size such as 32KiB");
        }
        long unit = m.group(3) == null ? 1 : switch (m.group(3).toLowerCase(Locale.ROOT)) {
            case "k" -> 1_000L;
            case "m" -> 1_000_000L;
            case "g" -> 1_000_000_000L;
            case "t" -> 1_000_000_000_000L;
            case "ki" -> 1L << 10;
            case "mi" -> 1L << 20;
            case "gi" -> 1L << 30;
            case "ti" -> 1L << 40;
            default -> throw new InvalidValueException(EXPECTED);
        };
        long b = Decimals.times(m.group(2), unit, MAX_BYTES);
        if (b < 0) {
            throw new InvalidValueException("a size of at most 1PiB");
        }
        return new ByteSize(b);
    }

    @Override
    public int compareTo(ByteSize o) {
        return Long.compare(bytes, o.bytes);
    }

    /** The shortest exact text: {@code 32KiB}, {@code 64kB}, {@code 1.5MiB}, {@code 1500B} (a tie goes to whole numbers). */
    @Override
    public String toString() {
        String[] names = {"TiB", "GiB", "MiB", "KiB", "TB", "GB", "MB", "kB"};
        long[] units = {1L << 40, 1L << 30, 1L << 20, 1L << 10,
                1_000_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L};
        String best = bytes + "B";
        for (int i = 0; i < units.length; i++) {
            String n = bytes >= units[i] ? Decimals.exact(bytes, units[i]) : null;
            if (n != null && (n + names[i]).length() < best.length()) {
                best = n + names[i];
            }
        }
        return best;
    }
}
