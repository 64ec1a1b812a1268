package io.netpersona.substrate.linux;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An nftables script taken apart into the single commands an operator would type one by one
 * ({@code add table}, {@code add set}, {@code add element}, {@code add chain}, {@code add rule}...), for the
 * one-process-per-command way of applying that the benchmark compares batching with. Understands the
 * scripts this driver writes: top-level commands on one line, and {@code table FAMILY NAME { ... }}
 * blocks of counters, sets and chains.
 */
final class NftCommands {
    private static final Pattern TABLE = Pattern.compile("table (\\S+) (\\S+) \\{");
    private static final Pattern BLOCK = Pattern.compile("(set|map|chain|counter|limit|quota) (\\S+) \\{");

    private NftCommands() {}

    static List<String> split(String script) {
        List<String> out = new ArrayList<>();
        List<String> lines = script.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        for (int i = 0; i < lines.size(); i++) {
            Matcher t = TABLE.matcher(lines.get(i));
            if (!t.matches()) {
                out.add(lines.get(i));
                continue;
            }
            String table = t.group(1) + " " + t.group(2);
            out.add("add table " + table);
            List<String> rules = new ArrayList<>();
            i++;
            for (; i < lines.size() && !lines.get(i).equals("}"); i++) {
                Matcher b = BLOCK.matcher(lines.get(i));
                if (!b.matches()) {
                    throw new IllegalArgumentException("not a table member: " + lines.get(i));
                }
                List<String> body = new ArrayList<>();
                for (i++; !lines.get(i).equals("}"); i++) {
                    body.add(lines.get(i));
                }
                member(out, rules, table, b.group(1), b.group(2), body);
            }
            out.addAll(rules); // rules last: a rule may jump to a chain declared after its own
        }
        return out;
    }

    private static void member(List<String> out, List<String> rules, String table, String type, String name,
            List<String> body) {
        switch (type) {
            case "chain" -> {
                boolean base = !body.isEmpty() && body.getFirst().startsWith("type ");
                out.add("add chain " + table + " " + name + (base ? " { " + body.getFirst() + " }" : ""));
                body.stream().skip(base ? 1 : 0).forEach(rule -> rules.add("add rule " + table + " " + name + " " + rule));
            }
            case "set", "map" -> {
                List<String> declaration = new ArrayList<>();
                String elements = null;
                for (String l : body) {
                    if (l.startsWith("elements = ")) {
                        elements = l.substring("elements = ".length());
                    } else {
                        declaration.add(l);
                    }
                }
                out.add("add " + type + " " + table + " " + name + " { " + String.join("; ", declaration) + "; }");
                if (elements != null) {
                    out.add("add element " + table + " " + name + " " + elements);
                }
            }
            default -> out.add("add " + type + " " + table + " " + name
                    + (body.isEmpty() ? "" : " { " + String.join("; ", body) + "; }"));
        }
    }
}
