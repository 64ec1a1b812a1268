package io.netpersona.substrate.linux;

import io.netpersona.substrate.Resource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * For kinds whose kernel form is not the form they were written in (tc rounds rates and bursts as it prints
 * them; nft prints rules its own way): the state read back is what the last apply left while the kernel
 * prints what it printed then, and what the kernel says otherwise, so that a change by hand shows as drift.
 * A fingerprint may have parts (separated by a blank line), each standing for some of the attributes, so
 * that drift names only what changed.
 */
final class Fingerprints {
    static final String PART = "\n\n";
    /** Counters in tc's JSON: they change with traffic, not with configuration. */
    private static final List<String> COUNTERS = List.of("bytes", "packets", "drops", "overlimits", "requeues",
            "backlog", "qlen", "refcnt");

    private Fingerprints() {}

    /** A class's line as {@code tc class show} prints it, or as {@link #qdiscConfig} when read over netlink. */
    static String classConfig(JsonNode cls) {
        return cls.has(NetlinkViews.CONFIG) ? NetlinkViews.CONFIG + " " + cls.path(NetlinkViews.CONFIG).asString()
                : cls.path("config").asString();
    }

    static Optional<Resource> unlessChanged(Records.Entry recorded, String now, Supplier<Resource> parsed) {
        if (recorded.applied().isPresent() && recorded.fingerprint() != null && recorded.fingerprint().equals(now)) {
            return recorded.applied();
        }
        return Optional.of(parsed.get());
    }

    /**
     * Part {@code index} of a resource's attributes: the recorded {@code names} while that part of the
     * fingerprint is still {@code now}, otherwise what {@code parsed} reads from the kernel.
     */
    static Map<String, String> part(Records.Entry recorded, int index, String now, List<String> names,
            Supplier<Map<String, String>> parsed) {
        if (recorded.applied().isPresent() && recorded.fingerprint() != null) {
            String print = recorded.fingerprint();
            if (partIs(print, index, now)) {
                Map<String, String> m = new TreeMap<>();
                names.forEach(n -> m.put(n, recorded.applied().get().attr(n)));
                if (!m.containsValue(null)) {
                    return m;
                }
            }
        }
        return parsed.get();
    }

    /**
     * Whether part {@code index} of {@code print} is {@code now}, found by hand: String.split compiles a pattern
     * for a separator of two characters, once per call (a thousand classes' keys read back, twice each).
     */
    static boolean partIs(String print, int index, String now) {
        int from = 0;
        for (int i = 0; i < index; i++) {
            int next = print.indexOf(PART, from);
            if (next < 0) {
                return false;
            }
            from = next + PART.length();
        }
        int end = print.indexOf(PART, from);
        end = end < 0 ? print.length() : end;
        return end - from == now.length() && print.startsWith(now, from);
    }

    /**
     * A qdisc from {@code tc -s -j qdisc show} without its counters; read over netlink, its configuration as
     * the kernel holds it. The two never compare equal: a fingerprint recorded one way and read the other
     * (netlink switched off) shows as drift once, and the next apply records it the new way.
     */
    static String qdiscConfig(JsonNode qdisc) {
        if (qdisc.has(NetlinkViews.CONFIG)) {
            return NetlinkViews.CONFIG + " " + qdisc.path(NetlinkViews.CONFIG).asString();
        }
        ObjectNode copy = ((ObjectNode) qdisc).deepCopy();
        copy.remove(COUNTERS);
        if (copy.get("options") instanceof ObjectNode options) {
            options.remove("direct_packets_stat");
        }
        return copy.toString();
    }
}
