package io.netpersona.substrate;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One piece of host state a persona sets: its kind ({@code tc-class}, {@code nft-table}, {@code link-mtu},
 * {@code route}, {@code file}...), the scope it lives in (a network namespace, empty for the host's own),
 * an id unique within kind and scope, and its attributes as text. Substrate-neutral, so that plans,
 * journals and records compare and print every kind the same way.
 */
public record Resource(String kind, String scope, String id, Map<String, String> attributes) {
    public Resource {
        attributes = Collections.unmodifiableMap(new TreeMap<>(attributes));
    }

    public Key key() {
        return new Key(kind, scope, id);
    }

    public String attr(String name) {
        return attributes.get(name);
    }

    /** Identity of a resource: two resources with one key are the same thing in two states. */
    public record Key(String kind, String scope, String id) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            return toString().compareTo(o.toString());
        }

        @Override
        public String toString() {
            return kind + " " + (scope.isEmpty() ? "(host)" : scope) + " " + id;
        }
    }

    @Override
    public String toString() {
        return key() + " " + attributes;
    }
}
