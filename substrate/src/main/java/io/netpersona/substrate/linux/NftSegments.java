package io.netpersona.substrate.linux;

import io.netpersona.substrate.Step;
import io.netpersona.substrate.linux.netlink.NftElements;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An nft batch cut into what nft itself runs (tables, chains, rules, objects: a script) and what goes to
 * the kernel as nf_tables netlink messages without a process (the element commands of a host's shared
 * table, {@link NftElements}), in the batch's order. nft spends most of a thousand personas' apply reading
 * and checking their elements; the kernel takes them as they are.
 *
 * <p>Each part is a transaction of its own; an apply whose later part fails is put back as a whole by
 * the caller, as when a tc lane fails after nft.
 */
record NftSegments(List<Segment> segments) {
    /** Sets of the shared table whose elements are ranges, from its skeleton. */
    private static final Set<String> INTERVAL_SETS = intervalSets(HostTable.skeleton());
    private static final String SHARED = "element " + HostTable.TABLE + " ";

    /** A script for nft, or element commands for netlink with each command's steps. */
    record Segment(NftScript script, List<NftElements> elements, List<List<Step>> origins) {}

    /** The grouped script's parts; a single script part when no line goes over netlink. */
    static NftSegments of(NftScript grouped) {
        String[] lines = grouped.text().split("\n", -1);
        List<Segment> out = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        List<List<Step>> textOrigins = new ArrayList<>();
        List<NftElements> elements = new ArrayList<>();
        List<List<Step>> elementOrigins = new ArrayList<>();
        // a line of a thousand elements takes a millisecond or more: the lines are parsed on the cores there are
        List<Optional<NftElements>> parsed = java.util.stream.IntStream.range(0, grouped.lineOrigins().size()).parallel()
                .mapToObj(i -> lines[i].contains(SHARED) ? NftElements.parse(lines[i], INTERVAL_SETS, i + 1)
                        : Optional.<NftElements>empty()).toList();
        for (int i = 0; i < grouped.lineOrigins().size(); i++) {
            String line = lines[i];
            Optional<NftElements> e = parsed.get(i);
            if (e.isPresent()) {
                if (!textOrigins.isEmpty()) {
                    out.add(new Segment(new NftScript(text.toString(), textOrigins), null, null));
                    text = new StringBuilder();
                    textOrigins = new ArrayList<>();
                }
                elements.add(e.get());
                elementOrigins.add(grouped.lineOrigins().get(i));
            } else {
                if (!elements.isEmpty()) {
                    out.add(new Segment(null, elements, elementOrigins));
                    elements = new ArrayList<>();
                    elementOrigins = new ArrayList<>();
                }
                text.append(line).append('\n');
                textOrigins.add(grouped.lineOrigins().get(i));
            }
        }
        if (!textOrigins.isEmpty()) {
            out.add(new Segment(new NftScript(text.toString(), textOrigins), null, null));
        }
        if (!elements.isEmpty()) {
            out.add(new Segment(null, elements, elementOrigins));
        }
        return new NftSegments(out);
    }

    /** Whether every part is a script (nothing to send over netlink). */
    boolean textOnly() {
        return segments.stream().allMatch(s -> s.script() != null);
    }

    static Set<String> intervalSets(String skeleton) {
        Set<String> out = new TreeSet<>();
        String set = null;
        for (String raw : skeleton.split("\n")) {
            String t = raw.strip();
            if ((t.startsWith("set ") || t.startsWith("map ")) && t.endsWith("{")) {
                set = t.split(" ")[1];
            } else if (t.equals("}")) {
                set = null;
            } else if (set != null && t.startsWith("flags ") && t.contains("interval")) {
                out.add(set);
            }
        }
        return out;
    }
}
