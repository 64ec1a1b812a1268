package io.netpersona.substrate.linux;

import io.netpersona.model.ByteSize;
import io.netpersona.model.Rate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rates and sizes of the tc kinds' attributes as numbers, each text parsed once: a thousand personas'
 * classes and leaves carry the same few texts ({@code 10Mbit}, {@code 31032B}), and parsing them (a pattern,
 * decimal arithmetic) was most of what rendering a class cost. Parsing is a pure function of the text, so
 * what was parsed once stands for every later apply.
 */
final class TcUnits {
    /** More texts than a host's personas use; past it the memo starts again rather than grow. */
    private static final int MOST = 4096;
    private static final Map<String, Long> BITS = new ConcurrentHashMap<>();
    private static final Map<String, Long> BYTES = new ConcurrentHashMap<>();

    private TcUnits() {}

    /** {@code Rate.parse(text).bitsPerSecond()}. */
    static long bits(String text) {
        return memo(BITS, text, t -> Rate.parse(t).bitsPerSecond());
    }

    /** {@code ByteSize.parse(text).bytes()}. */
    static long bytes(String text) {
        return memo(BYTES, text, t -> ByteSize.parse(t).bytes());
    }

    private static long memo(Map<String, Long> memo, String text, java.util.function.ToLongFunction<String> parse) {
        Long known = memo.get(text);
        if (known != null) {
            return known;
        }
        long value = parse.applyAsLong(text); // an invalid text throws, as the parse does, and is not kept
        if (memo.size() >= MOST) {
            memo.clear();
        }
        memo.put(text, value);
        return value;
    }
}
