package io.netpersona.model;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Binds a parsed tree to the document's records by their component names, collecting every problem
 * (unknown fields with a suggestion, wrong types, unreadable scalars) instead of stopping at the first.
 * A field that cannot be read is left absent, so that the validator can still look at the rest.
 */
final class TreeReader {
    private final Problems problems;

    TreeReader(Problems problems) {
        this.problems = problems;
    }

    <R extends Record> R readRecord(Class<R> type, JsonNode node, String path) {
        if (!node.isObject()) {
            problems.invalid(path, text(node), "a mapping with fields " + String.join(", ", Records.fieldNames(type)));
            return null;
        }
        RecordComponent[] components = type.getRecordComponents();
        List<String> known = Records.fieldNames(type);
        for (String field : node.propertyNames()) {
            if (!known.contains(field)) {
                problems.add(join(path, field), unknownField(field, known));
            }
        }
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            JsonNode child = node.get(components[i].getName());
            if (child != null && !child.isNull()) {
                args[i] = read(components[i].getGenericType(), child, join(path, components[i].getName()));
            }
        }
        return construct(type, components, args, path);
    }

    private Object read(Type type, JsonNode node, String path) {
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            Type[] args = p.getActualTypeArguments();
            if (raw == List.class) {
                return readList(args[0], node, path);
            }
            if (raw == Map.class) {
                return readMap(node, path);
            }
        }
        Class<?> c = (Class<?>) type;
        if (c.isRecord() && !Scalars.isTextScalar(c)) {
            @SuppressWarnings("unchecked")
            Class<? extends Record> rc = (Class<? extends Record>) c;
            return readRecord(rc, node, path);
        }
        return readScalar(c, node, path);
    }

    private List<Object> readList(Type element, JsonNode node, String path) {
        if (!node.isArray()) {
            problems.invalid(path, text(node), "a list");
            return null;
        }
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String p = path + "[" + i + "]";
            JsonNode item = node.get(i);
            if (item.isNull()) {
                problems.add(p, "empty list item (expected: a value, or no dash)");
            }
            // an unreadable item stays as a hole, so that later items keep their index in messages
            out.add(item.isNull() ? null : read(element, item, p));
        }
        return out;
    }

    private Map<String, String> readMap(JsonNode node, String path) {
        if (!node.isObject()) {
            problems.invalid(path, text(node), "a mapping of names to text");
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : node.properties()) {
            if (e.getValue().isContainer() || e.getValue().isNull()) {
                problems.invalid(path + "." + e.getKey(), text(e.getValue()), "a text value");
            } else {
                out.put(e.getKey(), e.getValue().asString());
            }
        }
        return out;
    }

    private Object readScalar(Class<?> type, JsonNode node, String path) {
        if (type == Integer.class || type == Long.class) {
            if (node.isIntegralNumber() && (type == Long.class ? node.canConvertToLong() : node.canConvertToInt())) {
                return type == Long.class ? (Object) node.longValue() : (Object) node.intValue();
            }
            String expected = node.isIntegralNumber()
                    ? "an integer of at most " + (type == Long.class ? Long.MAX_VALUE : Integer.MAX_VALUE)
                    : "an integer";
            notA(path, node, expected, t -> t.strip().matches("-?[0-9]+"));
            return null;
        }
        if (type == Double.class) {
            if (node.isNumber() && Double.isFinite(node.doubleValue())) {
                return node.doubleValue();
            }
            notA(path, node, "a number", t -> t.strip().matches("-?[0-9]+(\\.[0-9]*)?([eE][-+]?[0-9]+)?"));
            return null;
        }
        if (type == Boolean.class) {
            if (node.isBoolean()) {
                return node.booleanValue();
            }
            notA(path, node, "true or false", t -> t.equals("true") || t.equals("false"));
            return null;
        }
        if (node.isContainer()) {
            problems.invalid(path, text(node), type == String.class ? "a text value" : expectation(type));
            return null;
        }
        String s = node.asString();
        if (type == String.class) {
            return s;
        }
        try {
            return Scalars.read(type, s);
        } catch (InvalidValueException e) {
            problems.invalid(path, s, e.expected());
            return null;
        }
    }

    /** A wrong type; text that must have been quoted is shown quoted, so that "1400" does not look like a number. */
    private void notA(String path, JsonNode node, String expected, java.util.function.Predicate<String> looksRight) {
        if (node.isString() && looksRight.test(node.asString())) {
            problems.invalid(path, '"' + node.asString() + '"', expected + ", not text in quotes");
        } else {
            problems.invalid(path, text(node), expected);
        }
    }

    private static String expectation(Class<?> type) {
        try {
            Scalars.read(type, "\u0000");
        } catch (InvalidValueException e) {
            return e.expected();
        }
        return type.getSimpleName();
    }

    private <R extends Record> R construct(Class<R> type, RecordComponent[] components, Object[] args, String path) {
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
        }
        try {
            Constructor<R> ctor = type.getDeclaredConstructor(types);
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof InvalidValueException iv) {
                problems.add(path, "expected: " + iv.expected());
                return null;
            }
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
        }
    }

    static String unknownField(String field, List<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = k.equalsIgnoreCase(field) ? 0 : editDistance(field.toLowerCase(), k.toLowerCase());
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        if (best != null && bestDistance <= Math.max(2, field.length() / 3)) {
            return "unknown field (did you mean " + best + "?)";
        }
        return "unknown field (expected one of: " + String.join(", ", known) + ")";
    }

    /** Damerau (optimal string alignment) distance: a swap of neighbours counts as one edit. */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static String text(JsonNode node) {
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        return node.asString();
    }

    static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
