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
        /**
         * The order of {@link #toString()}, without making the strings: keys are compared millions of times
         * in the sorted maps of a thousand personas' plans and applies.
         */
        @Override
        public int compareTo(Key o) {
            // most keys compared share their kind and scope: then the ids alone decide, as in the text
            if (kind.equals(o.kind) && scope.equals(o.scope)) {
                return id.compareTo(o.id);
            }
            int n = length();
            int m = o.length();
            for (int i = 0, end = Math.min(n, m); i < end; i++) {
                char a = charAt(i);
                char b = o.charAt(i);
                if (a != b) {
                    return a - b;
                }
            }
            return n - m;
        }

        private String scopeText() {
            return scope.isEmpty() ? "(host)" : scope;
        }

        private int length() {
            return kind.length() + 1 + scopeText().length() + 1 + id.length();
        }

        /** The character at {@code i} of {@link #toString()}. */
        private char charAt(int i) {
            if (i < kind.length()) {
                return kind.charAt(i);
            }
            i -= kind.length();
            if (i == 0) {
                return ' ';
            }
            i--;
            String s = scopeText();
            if (i < s.length()) {
                return s.charAt(i);
            }
            i -= s.length();
            return i == 0 ? ' ' : id.charAt(i - 1);
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
