package io.netpersona.model;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A DiffServ code point, 0..63, written by its name ({@code EF}, {@code AF41}, {@code CS1}) or its number. */
public record Dscp(int value) {
    static final String EXPECTED = "a DSCP name (EF, AF11..AF43, CS0..CS7, VA, LE, DF) or a number 0..63";
    private static final Map<String, Integer> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("DF", 0);
        BY_NAME.put("LE", 1);
        for (int cls = 1; cls <= 4; cls++) {
            for (int drop = 1; drop <= 3; drop++) {
                BY_NAME.put("AF" + cls + drop, cls * 8 + drop * 2);
            }
        }
        BY_NAME.put("VA", 44);
        BY_NAME.put("EF", 46);
        for (int i = 1; i <= 7; i++) {
            BY_NAME.put("CS" + i, i * 8);
        }
    }

    public Dscp {
        if (value < 0 || value > 63) {
            throw new InvalidValueException(EXPECTED);
        }
    }

    public static Dscp parse(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT);
        if (t.equals("BE") || t.equals("CS0")) {
            return new Dscp(0);
        }
        Integer v = BY_NAME.get(t);
        if (v != null) {
            return new Dscp(v);
        }
        if (t.matches("[0-9]{1,2}")) {
            return new Dscp(Integer.parseInt(t));
        }
        throw new InvalidValueException(EXPECTED);
    }

    /** The name when the code point has one, otherwise the number. */
    @Override
    public String toString() {
        for (var e : BY_NAME.entrySet()) {
            if (e.getValue() == value) {
                return e.getKey();
            }
        }
        return Integer.toString(value);
    }
}
