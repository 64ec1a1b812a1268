package io.netpersona.substrate.linux;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One nftables table's text (as {@code nft list table} prints it, or as this driver writes it) taken apart
 * into its members: {@code set NAME}, {@code map NAME}, {@code chain NAME}, {@code counter NAME},
 * {@code limit NAME}, each with its body lines and, for sets and maps, its elements.
 */
final class NftListing {
    private static final Pattern MEMBER = Pattern.compile("(set|map|chain|counter|limit|quota) (\\S+) \\{");

    /** A member's body (without elements) and its elements, each as printed. */
    record Member(List<String> body, List<String> elements) {}

    private NftListing() {}

    /** Members by {@code "TYPE NAME"}, in the order they come. */
    private static final java.util.regex.Pattern SPACES = java.util.regex.Pattern.compile("\\s+");

    static Map<String, Member> parse(String text) {
        Map<String, Member> out = new LinkedHashMap<>();
        List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = MEMBER.matcher(lines.get(i));
            if (!m.matches()) {
                continue;
            }
            List<String> body = new ArrayList<>();
            StringBuilder elements = null;
            for (i++; i < lines.size() && !lines.get(i).equals("}"); i++) {
                String l = lines.get(i);
                if (elements == null && l.startsWith("elements = {")) {
                    String last = l.substring("elements = {".length());
                    elements = new StringBuilder(last);
                    // the lines are stripped and not empty: the elements end where a line ends with the brace
                    // (looking at the whole text each time made a set of ten thousand elements cost gigabytes)
                    while (!last.strip().endsWith("}")) {
                        last = lines.get(++i);
                        elements.append(' ').append(last);
                    }
                } else {
                    body.add(l);
                }
            }
            out.put(m.group(1) + " " + m.group(2), new Member(body, elements == null ? List.of() : split(elements)));
        }
        return out;
    }

    private static List<String> split(StringBuilder elements) {
        String inner = elements.toString().strip();
        inner = inner.substring(0, inner.length() - 1).strip(); // the closing brace
        List<String> out = new ArrayList<>();
        for (String e : inner.split(",")) {
            String t = e.strip();
            if (t.indexOf("  ") >= 0 || t.indexOf('\t') >= 0 || t.indexOf('\n') >= 0) {
                t = SPACES.matcher(t).replaceAll(" ");
            }
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }
}
