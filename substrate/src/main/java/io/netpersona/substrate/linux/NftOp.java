package io.netpersona.substrate.linux;

import java.util.List;

/**
 * One step's nft commands, as its kind made them: lines of script, and element commands kept as their set and
 * elements. A thousand personas' element commands go to the kernel as netlink messages made from their
 * elements ({@link NftSegments}): written as script text, grouped by set as text and parsed back, they cost
 * an apply some 15 MB and 20-40 ms of CPU beside the tc lane. Their text is written only for nft itself (a
 * host without netlink, a failure to name, one process per command).
 */
record NftOp(List<Line> lines) {
    NftOp {
        lines = List.copyOf(lines);
    }

    /** A line (or several) of script, or an element command. */
    sealed interface Line {
        /** The line as nft reads it (one line; a {@link Text} may hold several). */
        String text();
    }

    /** Script as it is written: one or more lines, any command. */
    record Text(String text) implements Line {}

    /**
     * {@code add element SET { ... }} or {@code delete element SET { ... }}, {@code set} as {@code FAMILY TABLE
     * NAME}; each of {@code elements} is one element or several joined by {@code ", "}, as nft's braces hold them.
     */
    record Elements(boolean add, String set, List<String> elements) implements Line {
        Elements {
            elements = List.copyOf(elements);
        }

        @Override
        public String text() {
            return (add ? "add" : "delete") + " element " + set + " { " + String.join(", ", elements) + " }";
        }
    }

    /** A script as it is. */
    static NftOp of(String script) {
        return new NftOp(List.of(new Text(script)));
    }

    /** The script, its lines joined as the kind wrote them. */
    String text() {
        StringBuilder s = new StringBuilder();
        for (Line l : lines) {
            if (!s.isEmpty()) {
                s.append('\n');
            }
            s.append(l.text());
        }
        return s.toString();
    }
}
