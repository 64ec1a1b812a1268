package io.netpersona.substrate;

import java.util.Map;
import java.util.TreeMap;

/** One change of a change set: a resource created, changed from one state to another, or deleted. */
public sealed interface Step {
    Resource.Key key();

    /** The step that undoes this one. */
    Step inverse();

    record Create(Resource resource) implements Step {
        public Resource.Key key() {
            return resource.key();
        }

        public Step inverse() {
            return new Delete(resource);
        }

        @Override
        public String toString() {
            return "+ " + resource.key() + " " + resource.attributes();
        }
    }

    record Modify(Resource from, Resource to) implements Step {
        public Resource.Key key() {
            return to.key();
        }

        public Step inverse() {
            return new Modify(to, from);
        }

        /** Only the attributes that change, as {@code name: old -> new}. */
        @Override
        public String toString() {
            Map<String, String> changes = new TreeMap<>();
            from.attributes().forEach((k, v) -> {
                if (!v.equals(to.attr(k))) {
                    changes.put(k, abbreviate(v) + " -> " + abbreviate(to.attr(k)));
                }
            });
            to.attributes().forEach((k, v) -> changes.putIfAbsent(k, from.attr(k) == null ? "(none) -> " + abbreviate(v)
                    : changes.getOrDefault(k, "")));
            changes.values().removeIf(String::isEmpty);
            return "~ " + to.key() + " " + changes;
        }
    }

    record Delete(Resource resource) implements Step {
        public Resource.Key key() {
            return resource.key();
        }

        public Step inverse() {
            return new Create(resource);
        }

        @Override
        public String toString() {
            return "- " + resource.key();
        }
    }

    private static String abbreviate(String v) {
        if (v == null) {
            return "(none)";
        }
        String one = v.replace('\n', ' ');
        return one.length() > 60 ? one.substring(0, 57) + "..." : one;
    }
}
