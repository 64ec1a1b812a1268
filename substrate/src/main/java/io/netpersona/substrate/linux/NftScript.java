package io.netpersona.substrate.linux;

import io.netpersona.substrate.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of one nft batch and, for each of its lines, the steps it came from. Grouped, the element
 * commands of all steps go into one {@code add element} (or {@code delete element}) per set: deletions
 * where the first deletion was, additions where the last addition was, so that elements still go before
 * the objects they use and come after the objects they need, as each step wrote them.
 */
record NftScript(List<NftOp.Line> lines, List<List<Step>> lineOrigins) {
    private static final Pattern LINE = Pattern.compile("(?m)^(?:/dev/stdin|-):(\\d+):");

    NftScript {
        if (lines.size() != lineOrigins.size()) {
            throw new IllegalArgumentException(lines.size() + " lines with the steps of " + lineOrigins.size());
        }
    }

    /** A script of text lines, each ended by a newline, with each line's steps. */
    NftScript(String text, List<List<Step>> lineOrigins) {
        this(textLines(text, lineOrigins.size()), lineOrigins);
    }

    private static List<NftOp.Line> textLines(String text, int count) {
        String[] split = text.split("\n", -1);
        List<NftOp.Line> out = new ArrayList<>(count);
        for (int i = 0; i < count && i < split.length; i++) {
            out.add(new NftOp.Text(split[i]));
        }
        return out;
    }

    /** The script as nft reads it: every line, each ended by a newline (an element command's written only now). */
    String text() {
        StringBuilder text = new StringBuilder();
        for (NftOp.Line l : lines) {
            text.append(l.text()).append('\n');
        }
        return text.toString();
    }

    /** The steps of the line nft complains about first (none when it names no line). */
    List<Step> origins(String stderr) {
        Matcher m = LINE.matcher(stderr);
        if (m.find()) {
            int line = Integer.parseInt(m.group(1));
            if (line >= 1 && line <= lineOrigins.size()) {
                return lineOrigins.get(line - 1);
            }
        }
        return List.of();
    }

    /**
     * An element command's verb, set ({@code FAMILY TABLE SET}) and elements, or null for any other line:
     * what {@code (add|delete) element (\\S+ \\S+ \\S+) \\{ (.*) }} matches, found without it (a host's thousand
     * personas write ten thousand such lines).
     */
    static String[] element(String line) {
        int start = line.startsWith("add element ") ? 12 : line.startsWith("delete element ") ? 15 : -1;
        if (start < 0 || !line.endsWith(" }")) {
            return null;
        }
        int at = start;
        for (int word = 0; word < 3; word++) {
            int space = line.indexOf(' ', at);
            if (space <= at) {
                return null;
            }
            for (int i = at; i < space; i++) {
                if (Character.isWhitespace(line.charAt(i))) {
                    return null;
                }
            }
            at = space + 1;
        }
        if (!line.startsWith("{ ", at) || at + 2 > line.length() - 2 || line.indexOf('\n') >= 0) {
            return null;
        }
        return new String[] {line.substring(0, start - 9).strip(), line.substring(start, at - 1), line.substring(at + 2, line.length() - 2)};
    }

    /** The batch as its steps wrote it, line for line. */
    static NftScript plain(Batches.Batch b) {
        StringBuilder text = new StringBuilder();
        List<List<Step>> origins = new ArrayList<>();
        for (int i = 0; i < b.lines().size(); i++) {
            for (String line : b.lines().get(i).split("\n", -1)) {
                text.append(line).append('\n');
                origins.add(List.of(b.origins().get(i)));
            }
        }
        return new NftScript(text.toString(), origins);
    }

    /**
     * The batch with each set's element commands merged. Element commands a kind gave as such ({@link
     * NftOp.Elements}) are merged as they are; those in script text are found in it.
     */
    static NftScript grouped(Batches.Batch b) {
        Grouping g = new Grouping();
        int count = b.nftOps() != null ? b.nftOps().size() : b.lines().size();
        for (int i = 0; i < count; i++) {
            Step origin = b.origins().get(i);
            List<NftOp.Line> lines = b.nftOps() != null ? b.nftOps().get(i).lines() : List.of(new NftOp.Text(b.lines().get(i)));
            for (NftOp.Line line : lines) {
                if (line instanceof NftOp.Elements e) {
                    g.elements(e, origin);
                } else {
                    g.text(line.text(), origin);
                }
            }
        }
        return g.script();
    }

    /** The lines of a batch as they come, each set's element commands gathered where {@link #grouped} puts them. */
    private static final class Grouping {
        private record Group(List<String> elements, List<Step> origins) {}

        private final List<NftOp.Line> lines = new ArrayList<>();
        private final List<List<Step>> origins = new ArrayList<>();
        private final Map<String, Group> deletes = new LinkedHashMap<>();
        private final Map<String, Group> adds = new LinkedHashMap<>();
        private int firstDelete = -1;
        private int lastAdd = -1;

        /** Script text of one step: its element lines are found and gathered, the rest kept in order. */
        void text(String script, Step origin) {
            for (String line : script.split("\n", -1)) {
                String[] m = element(line);
                if (m == null) {
                    lines.add(new NftOp.Text(line));
                    origins.add(List.of(origin));
                } else {
                    add(m[0].equals("add"), m[1], m[2], origin);
                }
            }
        }

        void elements(NftOp.Elements e, Step origin) {
            for (String chunk : e.elements()) {
                add(e.add(), e.set(), chunk, origin);
            }
        }

        private void add(boolean add, String set, String elements, Step origin) {
            if (!add && firstDelete < 0) {
                firstDelete = lines.size();
                lines.add(null); // where the deletions go
                origins.add(null);
            }
            Group g = (add ? adds : deletes).computeIfAbsent(set, k -> new Group(new ArrayList<>(), new ArrayList<>()));
            g.elements().add(elements);
            if (g.origins().isEmpty() || g.origins().getLast() != origin) {
                g.origins().add(origin);
            }
            if (add) {
                lastAdd = lines.size();
            }
        }

        NftScript script() {
            List<NftOp.Line> out = new ArrayList<>(lines.size() + adds.size() + deletes.size());
            List<List<Step>> outOrigins = new ArrayList<>(lines.size() + adds.size() + deletes.size());
            for (int i = 0; i <= lines.size(); i++) {
                if (i == lastAdd) {
                    adds.forEach((set, g) -> {
                        out.add(new NftOp.Elements(true, set, g.elements()));
                        outOrigins.add(g.origins());
                    });
                }
                if (i == lines.size()) {
                    break;
                }
                if (i == firstDelete) {
                    deletes.forEach((set, g) -> {
                        out.add(new NftOp.Elements(false, set, g.elements()));
                        outOrigins.add(g.origins());
                    });
                } else if (lines.get(i) != null) {
                    out.add(lines.get(i));
                    outOrigins.add(origins.get(i));
                }
            }
            return new NftScript(out, outOrigins);
        }
    }
}
