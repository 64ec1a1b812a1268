package io.netpersona.substrate.linux;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A whole nftables table of family {@code inet} that the driver owns ({@code nft-table}, id = table name,
 * scope = namespace), for any field that needs one: the firewall of a persona, QoS steering, routing marks.
 *
 * <p>The resource's one attribute, {@code script}, is the complete table definition as {@code nft -f} reads
 * it ({@code table inet NAME { ... }}). Creating or changing the table replaces it whole in one transaction:
 * {@code add table} (so the next line cannot fail), {@code delete table}, then the definition, in the same
 * {@code nft -f -} input, so the kernel never holds half a table and a re-apply is atomic.
 *
 * <p>The kernel lists a table in its own form (quoted names, sorted elements, merged intervals), so the
 * table is read back through a fingerprint: the listing without counter values and without the elements
 * of dynamic sets (both change with traffic). The fingerprint recorded after an apply tells whether the
 * table is still the one applied; when it is not, the resource read back carries the kernel's listing and
 * a {@code hand-change} summary, which shows as drift and makes the next plan replace the table.
 */
final class NftTableKind implements ResourceKind {
    static final String KIND = "nft-table";
    static final String FAMILY = "inet";
    static final String SCRIPT = "script";
    static final String HAND_CHANGE = "hand-change";
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,254}");
    private static final Pattern COUNTER_VALUES = Pattern.compile("\\s*packets \\d+ bytes \\d+");
    private static final Pattern INLINE_COUNTER = Pattern.compile("counter packets \\d+ bytes \\d+");

    /** The table {@code table} in {@code scope} ("" for the machine's own), defined by {@code script}. */
    static Resource of(String scope, String table, String script) {
        if (!TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("nft table name " + table + " (expected: a letter, then up to 254 letters, digits, _ or -)");
        }
        if (!script.startsWith("table " + FAMILY + " " + table + " {")) {
            throw new IllegalArgumentException("the script of nft table " + table + " must define table " + FAMILY + " " + table);
        }
        return new Resource(KIND, scope, table, Map.of(SCRIPT, script));
    }

    @Override
    public String name() {
        return KIND;
    }

    @Override
    public int order() {
        return 60;
    }

    @Override
    public Optional<Resource> read(Resource.Key key, HostView view, Records.Entry recorded) {
        Optional<String> listing = view.nftTable(key.scope(), FAMILY, key.id());
        if (listing.isEmpty()) {
            return Optional.empty();
        }
        String now = normalise(listing.get());
        if (recorded.applied().isPresent() && now.equals(recorded.fingerprint())) {
            return recorded.applied();
        }
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put(SCRIPT, now);
        if (recorded.applied().isPresent() && recorded.fingerprint() != null) {
            attrs.put(HAND_CHANGE, difference(recorded.fingerprint(), now));
        }
        return Optional.of(new Resource(KIND, key.scope(), key.id(), attrs));
    }

    @Override
    public void render(Step step, Batches out) {
        switch (step) {
            case Step.Create c -> replace(c.resource(), out);
            case Step.Modify m -> replace(m.to(), out);
            case Step.Delete d -> out.nft(d.resource().scope(), header(d.resource().id()));
        }
    }

    @Override
    public String fingerprint(Resource.Key key, HostView view) {
        return view.nftTable(key.scope(), FAMILY, key.id()).map(NftTableKind::normalise).orElse(null);
    }

    private static void replace(Resource r, Batches out) {
        out.nft(r.scope(), header(r.id()) + "\n" + r.attr(SCRIPT));
    }

    /** Makes the table exist and then removes it: deletes whatever is there, and never fails on absence. */
    private static String header(String table) {
        return "add table " + FAMILY + " " + table + "\ndelete table " + FAMILY + " " + table;
    }

    /**
     * The listing without what traffic changes: values of counters, and elements of sets that the
     * data path fills (dynamic sets, sets with timeouts). The result is itself a valid table definition.
     */
    static String normalise(String listing) {
        List<String> out = new ArrayList<>();
        boolean inSet = false;
        boolean dynamic = false;
        boolean skipping = false;
        List<String> set = new ArrayList<>();
        for (String raw : listing.strip().split("\n")) {
            String line = INLINE_COUNTER.matcher(raw.stripTrailing()).replaceAll("counter");
            String t = line.strip();
            if (COUNTER_VALUES.matcher(line).matches()) {
                continue;
            }
            if (!inSet && (t.startsWith("set ") || t.startsWith("map ")) && t.endsWith("{")) {
                inSet = true;
                dynamic = false;
                set.clear();
            }
            if (!inSet) {
                out.add(line);
                continue;
            }
            if (t.startsWith("flags ") && (t.contains("dynamic") || t.contains("timeout"))) {
                dynamic = true;
            }
            set.add(line);
            if (t.equals("}")) {
                inSet = false;
                for (String s : set) {
                    String st = s.strip();
                    if (dynamic && st.startsWith("elements = {")) {
                        skipping = !st.endsWith("}");
                        continue;
                    }
                    if (skipping) {
                        skipping = !st.endsWith("}");
                        continue;
                    }
                    out.add(s);
                }
            }
        }
        return String.join("\n", out) + "\n";
    }

    /** The first line the applied table had and the kernel's no longer has, and the first new one. */
    static String difference(String applied, String now) {
        List<String> was = lines(applied);
        List<String> is = lines(now);
        List<String> gone = new ArrayList<>(was);
        is.forEach(gone::remove);
        List<String> added = new ArrayList<>(is);
        was.forEach(added::remove);
        List<String> parts = new ArrayList<>();
        if (!gone.isEmpty()) {
            parts.add("lost " + gone.getFirst() + (gone.size() > 1 ? " (and " + (gone.size() - 1) + " more)" : ""));
        }
        if (!added.isEmpty()) {
            parts.add("gained " + added.getFirst() + (added.size() > 1 ? " (and " + (added.size() - 1) + " more)" : ""));
        }
        return parts.isEmpty() ? "reordered" : String.join("; ", parts);
    }

    private static List<String> lines(String text) {
        return new ArrayList<>(text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
    }
}
