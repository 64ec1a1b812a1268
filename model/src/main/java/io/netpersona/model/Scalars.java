package io.netpersona.model;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The scalar types of the document: how each is read from text and written back. */
final class Scalars {
    private record Codec(Function<String, Object> read, Function<Object, String> write) {}

    private static final Map<Class<?>, Codec> CODECS = Map.of(
            Rate.class, new Codec(Rate::parse, Object::toString),
            ByteSize.class, new Codec(ByteSize::parse, Object::toString),
            Duration.class, new Codec(Durations::parse, d -> Durations.format((Duration) d)),
            Dscp.class, new Codec(Dscp::parse, Object::toString),
            PortSelector.class, new Codec(PortSelector::parse, Object::toString),
            IpAddress.class, new Codec(IpAddress::parse, Object::toString),
            Cidr.class, new Codec(Cidr::parse, Object::toString),
            Instant.class, new Codec(Scalars::instant, Object::toString));

    private Scalars() {}

    static boolean isTextScalar(Class<?> type) {
        return CODECS.containsKey(type);
    }

    /** Reads text as {@code type}; throws {@link InvalidValueException} naming the expectation. */
    static Object read(Class<?> type, String text) {
        if (type.isEnum()) {
            return enumValue(type, text);
        }
        return CODECS.get(type).read().apply(text);
    }

    static String write(Object value) {
        if (value instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT);
        }
        Codec c = CODECS.get(value.getClass());
        return c == null ? value.toString() : c.write().apply(value);
    }

    static String enumExpectation(Class<?> type) {
        return "one of " + Arrays.stream(type.getEnumConstants())
                .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
    }

    private static Object enumValue(Class<?> type, String text) {
        for (Object c : type.getEnumConstants()) {
            if (((Enum<?>) c).name().equalsIgnoreCase(text.strip())) {
                return c;
            }
        }
        throw new InvalidValueException(enumExpectation(type));
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new InvalidValueException("a UTC time such as 2026-11-21T14:00:00Z");
        }
    }
}
