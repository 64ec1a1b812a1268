package io.netpersona.model;

import java.util.ArrayList;
import java.util.List;

/** Collects problems during one pass; renders values the way messages show them. */
final class Problems {
    private static final int MAX_VALUE_CHARS = 80;
    private final List<Problem> list = new ArrayList<>();

    void add(String path, String message) {
        list.add(new Problem(path, message));
    }

    /** {@code path: value (expected: what)}. */
    void invalid(String path, Object value, String expected) {
        add(path, show(value) + " (expected: " + expected + ")");
    }

    void missing(String path, String expected) {
        if (!hasAt(path)) {
            add(path, "missing (expected: " + expected + ")");
        }
    }

    /** Whether a problem was already reported at {@code path} or below it. */
    boolean hasAt(String path) {
        for (Problem p : list) {
            if (p.path().equals(path) || p.path().startsWith(path + ".") || p.path().startsWith(path + "[")) {
                return true;
            }
        }
        return false;
    }

    void addAll(List<Problem> more) {
        list.addAll(more);
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    List<Problem> list() {
        return List.copyOf(list);
    }

    static String show(Object value) {
        String s = String.valueOf(value);
        if (s.isEmpty()) {
            return "\"\"";
        }
        s = s.replace("\n", "\\n");
        return s.length() > MAX_VALUE_CHARS
                ? s.substring(0, MAX_VALUE_CHARS - 3) + "... (" + s.length() + " characters)" : s;
    }
}
