package io.netpersona.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Immutable copies that keep null (absent) as null and keep map order for writing. */
final class Copies {
    private Copies() {}

    static <T> List<T> list(List<T> in) {
        return in == null ? null : Collections.unmodifiableList(new java.util.ArrayList<>(in));
    }

    static <K, V> Map<K, V> map(Map<K, V> in) {
        return in == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(in));
    }
}
