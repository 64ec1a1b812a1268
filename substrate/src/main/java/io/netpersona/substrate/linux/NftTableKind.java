package io.netpersona.substrate.linux;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A whole nftables table of family {@code inet} that the driver owns (kind {@code nft-table}, scope = the
 * namespace, id = the table's name), for any field that needs one: QoS steering in a host's namespace, the
 * firewall in an application's. Same contract as the firewall branch's kind of this name, so that either
 * file can stay when the branches meet: {@code NftTableKind.of(scope, table, script)}, one attribute
 * {@link #SCRIPT} holding the complete definition {@code table inet NAME { ... }} as {@code nft -f} reads it.
 *
 * <p>A script may hold several {@code table inet NAME { ... }} blocks of the same table: nft adds them up, so
 * two compilers that need one persona's table in one namespace (an application that is its own host) join
 * their scripts, each with its own chain names.
 *
 * <p><b>Apply.</b> Create and modify are one script, {@code add table; delete table; SCRIPT}: it replaces the
 * table whether or not it existed, and nft runs a script as one transaction, so the table is never half
 * there. The tables of one namespace in one change set share one {@code nft -f -}. Delete is
 * {@code add table; delete table}, which also succeeds when someone removed the table already.
 *
 * <p><b>Read back and drift.</b> nft prints a table in its own form, not as written; so the state read back is
 * the recorded one as long as the listing still has the fingerprint taken after the apply ({@link #normalise}:
 * the listing without counter values, quota usage and the elements of dynamic sets, which change with traffic
 * and not by hand). Otherwise the state is {@code script = <normalised listing>}, which shows as drift and
 * which the next plan replaces. A table there before any persona is recorded the same way and put back from
 * its listing on removal (counters start again from zero).
 */
final class NftTableKind implements ResourceKind {
    static final String KIND = "nft-table";
    static final String FAMILY = "inet";
    static final String SCRIPT = "script";
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,254}");
    private static final Pattern COUNTS = Pattern.compile("packets \\d+ bytes \\d+");
    private static final Pattern QUOTA_USED = Pattern.compile("used \\d+ [kmg]?bytes");

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
        return view.nftTable(key.scope(), FAMILY, key.id()).flatMap(listing -> Fingerprints.unlessChanged(recorded,
                normalise(listing), () -> new Resource(KIND, key.scope(), key.id(), Map.of(SCRIPT, normalise(listing)))));
    }

    @Override
    public String fingerprint(Resource.Key key, HostView view) {
        return view.nftTable(key.scope(), FAMILY, key.id()).map(NftTableKind::normalise).orElse(null);
    }

    @Override
    public void render(Step step, Batches out) {
        switch (step) {
            case Step.Create c -> out.nft(c.resource().scope(), clear(c.resource().id()) + "\n" + c.resource().attr(SCRIPT));
            case Step.Modify m -> out.nft(m.to().scope(), clear(m.to().id()) + "\n" + m.to().attr(SCRIPT));
            case Step.Delete d -> out.nft(d.resource().scope(), clear(d.resource().id()));
        }
    }

    /** Makes the table exist and then removes it: deletes whatever is there, and never fails on absence. */
    private static String clear(String table) {
        return "add table " + FAMILY + " " + table + "\ndelete table " + FAMILY + " " + table;
    }

    /**
     * A listing without what traffic changes: counter values ({@code packets 0 bytes 0}), quota usage
     * ({@code used 0 bytes}) and the elements of sets that rules fill (flags dynamic or timeout). The result is
     * still a valid table definition.
     */
    static String normalise(String listing) {
        String s = QUOTA_USED.matcher(COUNTS.matcher(listing).replaceAll("packets 0 bytes 0")).replaceAll("used 0 bytes");
        List<String> out = new ArrayList<>();
        List<String> block = null;
        for (String raw : s.split("\n")) {
            String line = raw.stripTrailing();
            String t = line.strip();
            if (block == null && (t.startsWith("set ") || t.startsWith("map ") || t.startsWith("meter ")) && t.endsWith("{")) {
                block = new ArrayList<>();
            }
            if (block != null) {
                block.add(line);
                if (t.equals("}")) {
                    out.addAll(withoutDynamicElements(block));
                    block = null;
                }
            } else {
                out.add(line);
            }
        }
        if (block != null) {
            out.addAll(block);
        }
        return String.join("\n", out).strip();
    }

    private static List<String> withoutDynamicElements(List<String> block) {
        boolean dynamic = block.stream().map(String::strip)
                .anyMatch(t -> (t.startsWith("flags ") && (t.contains("dynamic") || t.contains("timeout"))) || t.startsWith("timeout "));
        if (!dynamic) {
            return block;
        }
        List<String> kept = new ArrayList<>();
        boolean inElements = false;
        for (String line : block) {
            String t = line.strip();
            if (t.startsWith("elements = {")) {
                inElements = !t.endsWith("}");
            } else if (inElements) {
                inElements = !t.endsWith("}");
            } else {
                kept.add(line);
            }
        }
        return kept;
    }
}
