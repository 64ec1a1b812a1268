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
record NftScript(String text, List<List<Step>> lineOrigins) {
    private static final Pattern LINE = Pattern.compile("(?m)^(?:/dev/stdin|-):(\\d+):");

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

    /** The batch with each set's element commands merged. */
    static NftScript grouped(Batches.Batch b) {
        record Line(String text, List<Step> origins) {}
        record Group(StringBuilder elements, List<Step> origins) {}
        List<Line> lines = new ArrayList<>();
        Map<String, Group> deletes = new LinkedHashMap<>();
        Map<String, Group> adds = new LinkedHashMap<>();
        int firstDelete = -1;
        int lastAdd = -1;
        for (int i = 0; i < b.lines().size(); i++) {
            Step origin = b.origins().get(i);
            for (String line : b.lines().get(i).split("\n", -1)) {
                String[] m = element(line);
                if (m == null) {
                    lines.add(new Line(line, List.of(origin)));
                    continue;
                }
                boolean delete = m[0].equals("delete");
                if (delete && firstDelete < 0) {
                    firstDelete = lines.size();
                    lines.add(null); // where the deletions go
                }
                Group g = (delete ? deletes : adds).computeIfAbsent(m[1], k -> new Group(new StringBuilder(), new ArrayList<>()));
                g.elements().append(g.elements().isEmpty() ? "" : ", ").append(m[2]);
                if (g.origins().isEmpty() || g.origins().getLast() != origin) {
                    g.origins().add(origin);
                }
                if (!delete) {
                    lastAdd = lines.size();
                }
            }
        }
        List<Line> out = new ArrayList<>();
        for (int i = 0; i <= lines.size(); i++) {
            if (i == lastAdd) {
                adds.forEach((set, g) -> out.add(new Line("add element " + set + " { " + g.elements() + " }", g.origins())));
            }
            if (i == lines.size()) {
                break;
            }
            if (i == firstDelete) {
                deletes.forEach((set, g) -> out.add(new Line("delete element " + set + " { " + g.elements() + " }", g.origins())));
            } else if (lines.get(i) != null) {
                out.add(lines.get(i));
            }
        }
        StringBuilder text = new StringBuilder();
        List<List<Step>> origins = new ArrayList<>();
        for (Line l : out) {
            text.append(l.text()).append('\n');
            origins.add(l.origins());
        }
        return new NftScript(text.toString(), origins);
    }
}
