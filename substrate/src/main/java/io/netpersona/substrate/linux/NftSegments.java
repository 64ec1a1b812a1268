package io.netpersona.substrate.linux;

import io.netpersona.substrate.Step;
import io.netpersona.substrate.linux.netlink.NftCommand;
import io.netpersona.substrate.linux.netlink.NftElements;
import io.netpersona.substrate.linux.netlink.NftStructure;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An nft batch as nf_tables netlink messages, sent without a process: the whole batch in one transaction
 * when every line is of a shape {@link NftStructure} and {@link NftElements} know ({@link #whole}: a host's
 * shared table, its skeleton and each persona's elements and objects); else cut into what nft itself runs
 * (a script) and the element commands of the shared table, in the batch's order ({@link #of}). nft spends
 * most of a thousand personas' apply reading and checking their elements, and the rest starting and
 * evaluating the skeleton; the kernel takes the messages as they are.
 *
 * <p>When cut, each part is a transaction of its own; an apply whose later part fails is put back as a
 * whole by the caller, as when a tc lane fails after nft.
 */
record NftSegments(List<Segment> segments) {
    /** Sets of the shared table whose elements are ranges, from its skeleton. */
    private static final Set<String> INTERVAL_SETS = intervalSets(HostTable.skeleton());
    private static final String SHARED = "element " + HostTable.TABLE + " ";

    /** A script for nft, or commands for netlink with each command's steps. */
    record Segment(NftScript script, List<NftCommand> commands, List<List<Step>> origins) {
        /** The commands as nft script lines again: the lines of {@code grouped} they came from. */
        NftScript asText(NftScript grouped) {
            List<NftOp.Line> lines = new ArrayList<>();
            List<List<Step>> lineOrigins = new ArrayList<>();
            for (int i = 0; i < commands.size(); i++) {
                NftCommand c = commands.get(i);
                for (int line = c.firstLine(); line < c.firstLine() + c.lines(); line++) {
                    lines.add(grouped.lines().get(line - 1));
                    lineOrigins.add(origins.get(i));
                }
            }
            return new NftScript(lines, lineOrigins);
        }
    }

    /**
     * The grouped script as one netlink part, one transaction; empty when a line is of a shape sent by nft
     * only. The skeleton's messages are made once; blank lines (nft skips them) are left out.
     */
    static Optional<NftSegments> whole(NftScript grouped) {
        String[] lines = texts(grouped);
        int count = grouped.lineOrigins().size();
        List<Optional<NftElements>> parsed = elements(grouped);
        NftStructure.Batch batch = new NftStructure.Batch();
        List<NftCommand> commands = new ArrayList<>();
        List<List<Step>> origins = new ArrayList<>();
        for (int i = 0; i < count; ) {
            String line = lines[i];
            NftCommand c;
            if (parsed.get(i).isPresent()) {
                c = parsed.get(i).get();
            } else if (grouped.lines().get(i) instanceof NftOp.Elements) {
                return Optional.empty(); // of another table, or not of a shape sent over netlink
            } else if (line.isBlank()) {
                i++;
                continue;
            } else if (HostTableMessages.startsAt(lines, i)) {
                c = HostTableMessages.skeleton(batch, i + 1);
            } else {
                Optional<NftStructure> s = NftStructure.parse(line, batch, i + 1);
                if (s.isEmpty()) {
                    return Optional.empty();
                }
                c = s.get();
            }
            commands.add(c);
            origins.add(grouped.lineOrigins().get(i));
            i += c.lines();
        }
        mootDeletions(commands, origins);
        return commands.isEmpty() ? Optional.empty() : Optional.of(new NftSegments(List.of(new Segment(null, commands, origins))));
    }

    /**
     * Leaves out what a later {@code delete table} of the same batch does anyway: removing the table's elements,
     * rules, chains and sets one by one (the last personas of a host going with its table). Removing an element
     * of a set of ranges moves the set's whole lookup table: a thousand of them took the kernel 150 ms.
     */
    private static void mootDeletions(List<NftCommand> commands, List<List<Step>> origins) {
        for (int d = commands.size() - 1; d > 0; d--) {
            String[] w = commands.get(d).describe().split(" ");
            if (commands.get(d) instanceof NftStructure && w.length == 4 && w[0].equals("delete") && w[1].equals("table")) {
                for (int i = d - 1; i >= 0; i--) {
                    String[] v = commands.get(i).describe().split(" ");
                    boolean removal = v[0].equals("delete") || v[0].equals("flush");
                    if (removal && v.length >= 4 && v[2].equals(w[2]) && v[3].equals(w[3])) {
                        commands.remove(i);
                        origins.remove(i);
                        d--;
                    }
                }
            }
        }
    }

    /**
     * Each line's element command, when it is one of the shared table's: made from its elements when its kind
     * gave them as such, else from its text. A line of a thousand elements takes a millisecond or more.
     */
    private static List<Optional<NftElements>> elements(NftScript grouped) {
        return java.util.stream.IntStream.range(0, grouped.lines().size()).parallel()
                .mapToObj(i -> element(grouped.lines().get(i), i + 1)).toList();
    }

    private static Optional<NftElements> element(NftOp.Line line, int number) {
        if (line instanceof NftOp.Elements e) {
            if (!e.set().startsWith(HostTable.TABLE + " ")) {
                return Optional.empty();
            }
            String name = e.set().substring(HostTable.TABLE.length() + 1);
            return NftElements.of(e.add(), HostTable.FAMILY, HostTable.NAME, name, e.elements(), INTERVAL_SETS, number);
        }
        return line.text().contains(SHARED) ? NftElements.parse(line.text(), INTERVAL_SETS, number) : Optional.empty();
    }

    /**
     * Each line's text, for the structure's parsers; an element command's is not written (they never read it:
     * it is sent from its elements, or the batch goes to nft).
     */
    private static String[] texts(NftScript grouped) {
        String[] out = new String[grouped.lines().size()];
        for (int i = 0; i < out.length; i++) {
            NftOp.Line l = grouped.lines().get(i);
            out[i] = l instanceof NftOp.Elements e ? (e.add() ? "add" : "delete") + " element " + e.set() : l.text();
        }
        return out;
    }

    /** The grouped script's parts; a single script part when no line goes over netlink. */
    static NftSegments of(NftScript grouped) {
        List<Segment> out = new ArrayList<>();
        List<NftOp.Line> text = new ArrayList<>();
        List<List<Step>> textOrigins = new ArrayList<>();
        List<NftCommand> elements = new ArrayList<>();
        List<List<Step>> elementOrigins = new ArrayList<>();
        List<Optional<NftElements>> parsed = elements(grouped);
        for (int i = 0; i < grouped.lineOrigins().size(); i++) {
            NftOp.Line line = grouped.lines().get(i);
            Optional<NftElements> e = parsed.get(i);
            if (e.isPresent()) {
                if (!textOrigins.isEmpty()) {
                    out.add(new Segment(new NftScript(text, textOrigins), null, null));
                    text = new ArrayList<>();
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
                text.add(line);
                textOrigins.add(grouped.lineOrigins().get(i));
            }
        }
        if (!textOrigins.isEmpty()) {
            out.add(new Segment(new NftScript(text, textOrigins), null, null));
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
