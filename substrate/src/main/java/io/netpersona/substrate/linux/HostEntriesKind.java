package io.netpersona.substrate.linux;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one persona keeps in its host's shared table ({@code nft-host-entries}, id = persona and object
 * prefix): set and map elements keyed by its application's addresses ({@code e:SET} attributes, sorted, as
 * nft prints them) and its own objects ({@code o:TYPE NAME}). Changed in one nft transaction, element by
 * element: what stays is not touched, so counters keep counting and per-source connection counts stay.
 *
 * <p>Read back by the application's addresses, as recorded with the state the persona left (for an apply
 * that failed or was cut short, the state it was going to leave: see {@code LinuxSubstrate}), and by the
 * prefix in the key for its own objects. Counter values are not state: they are read as metrics.
 */
final class HostEntriesKind implements ResourceKind {
    static final String KIND = "nft-host-entries";

    static Resource of(String scope, String persona, List<String> addresses, int minor, HostTable.Entries entries) {
        Map<String, String> a = new TreeMap<>();
        a.put("addresses", String.join(",", addresses.stream().sorted().toList()));
        entries.elements().forEach((set, els) -> a.put("e:" + set, String.join(", ", els.stream().sorted().toList())));
        entries.objects().forEach((obj, body) -> a.put("o:" + obj, body));
        return new Resource(KIND, scope, persona + " " + HostTable.prefix(minor), a);
    }

    /** The prefix of the persona's objects, from the key's id ({@code PERSONA PREFIX}). */
    static String prefix(Resource.Key key) {
        return key.id().substring(key.id().lastIndexOf(' ') + 1);
    }

    @Override
    public String name() {
        return KIND;
    }

    @Override
    public int order() {
        return 59;
    }

    @Override
    public Optional<Resource> read(Resource.Key key, HostView view, Records.Entry recorded) {
        return view.nftIndex(key.scope(), HostTable.FAMILY, HostTable.NAME)
                .flatMap(ix -> parse(key, ix, List.of(recorded.applied(), recorded.original())));
    }

    static Optional<Resource> parse(Resource.Key key, String listing, Optional<Resource> recorded) {
        return parse(key, NftIndex.of(NftListing.parse(listing)), List.of(recorded));
    }

    /**
     * The persona's part of the table, found through the index: its objects by prefix, its elements by the
     * addresses of the recorded states (the one it left, and the one before it).
     */
    static Optional<Resource> parse(Resource.Key key, NftIndex ix, List<Optional<Resource>> recorded) {
        String prefix = prefix(key);
        Set<String> addresses = new TreeSet<>();
        for (Optional<Resource> r : recorded) {
            r.map(x -> x.attr("addresses")).filter(s -> !s.isEmpty()).ifPresent(s -> addresses.addAll(List.of(s.split(","))));
        }
        Map<String, String> a = new TreeMap<>();
        for (String member : ix.membersByPrefix().getOrDefault(prefix, List.of())) {
            a.put("o:" + member, body(member, ix.members().get(member)));
        }
        Set<String> found = new TreeSet<>();
        Map<String, List<String>> mine = new TreeMap<>();
        for (String ad : addresses) {
            Map<String, List<String>> sets = ix.byAddress().getOrDefault(ad, Map.of());
            if (!sets.isEmpty()) {
                found.add(ad);
            }
            sets.forEach((set, els) -> mine.computeIfAbsent(set, x -> new ArrayList<>()).addAll(els));
        }
        mine.forEach((set, els) -> a.put("e:" + set, String.join(", ", els.stream().sorted().toList())));
        if (a.isEmpty()) {
            return Optional.empty();
        }
        a.put("addresses", String.join(",", found));
        return Optional.of(new Resource(KIND, key.scope(), key.id(), a));
    }

    /**
     * An object's body in the form this driver writes it (a persona's objects are sets and chains; counters
     * and limits live in the host table's elements), without the elements of dynamic sets.
     */
    private static String body(String member, NftListing.Member m) {
        return member.startsWith("set ") ? String.join("; ", m.body()) + ";" : String.join("; ", m.body());
    }

    @Override
    public List<HostView.Read> reads(Resource.Key key) {
        return List.of(new HostView.Read.NftIndexed(key.scope(), HostTable.FAMILY, HostTable.NAME));
    }

    @Override
    public void render(Step step, Batches out) {
        switch (step) {
            case Step.Create c -> out.nft(c.resource().scope(), new NftOp(commands(Map.of(), c.resource().attributes())));
            case Step.Modify m -> out.nft(m.to().scope(), new NftOp(commands(m.from().attributes(), m.to().attributes())));
            case Step.Delete d -> out.nft(d.resource().scope(), new NftOp(commands(d.resource().attributes(), Map.of())));
        }
    }

    /**
     * The commands from one state of a persona's entries to another, in an order nft accepts in one
     * transaction: elements that go, chains emptied,
     * objects that go, objects that come, chain rules, elements that come.
     */
    static List<String> change(Map<String, String> from, Map<String, String> to) {
        return commands(from, to).stream().map(NftOp.Line::text).toList();
    }

    /** The commands of {@link #change}, its element commands as their sets and elements (see {@link NftOp}). */
    static List<NftOp.Line> commands(Map<String, String> from, Map<String, String> to) {
        Set<String> remade = new TreeSet<>(); // objects deleted and added again with a new body
        from.forEach((k, v) -> {
            if (k.startsWith("o:") && !k.startsWith("o:chain ") && to.containsKey(k) && !to.get(k).equals(v)) {
                remade.add(k.substring(2));
            }
        });
        Set<String> keys = new TreeSet<>(from.keySet());
        keys.addAll(to.keySet());
        List<NftOp.Line> lines = new ArrayList<>();
        List<NftOp.Line> elementsToAdd = elements(keys, from, to, lines);
        List<String> text = new ArrayList<>();
        List<String> rules = chains(keys, from, to, remade, text);
        objects(keys, from, to, remade, text);
        text.addAll(rules);
        text.forEach(t -> lines.add(new NftOp.Text(t)));
        lines.addAll(elementsToAdd);
        return lines;
    }

    /** Adds the deletions of elements to {@code lines}; returns the additions, for the end of the transaction. */
    private static List<NftOp.Line> elements(Set<String> keys, Map<String, String> from, Map<String, String> to,
            List<NftOp.Line> lines) {
        List<NftOp.Line> adds = new ArrayList<>();
        for (String k : keys) {
            if (k.startsWith("e:")) {
                setChange(k, from.get(k), to.get(k), lines, adds);
            }
        }
        return adds;
    }

    /*
     * One set's change, and each direction of the comparison, in methods of their own: called a few times per
     * apply with thousands of elements each, a single method of these loops was compiled by the optimizing
     * compiler only on the stack (OSR, after ten million loop turns), three times over, and twice more after
     * deoptimisation: some 2 s of compiler CPU in an apply benchmark's first rounds. Small methods called
     * once per set are compiled from their call counts, each small.
     */
    private static void setChange(String k, String from, String to, List<NftOp.Line> lines, List<NftOp.Line> adds) {
        Set<String> was = elements(from);
        Set<String> will = elements(to);
        String set = HostTable.TABLE + " " + k.substring(2);
        List<String> gone = gone(was, will);
        if (!gone.isEmpty()) {
            lines.add(new NftOp.Elements(false, set, gone));
        }
        List<String> come = missing(will, was);
        if (!come.isEmpty()) {
            adds.add(new NftOp.Elements(true, set, come));
        }
    }

    /** The keys of the elements of {@code was} that {@code will} lacks: an element goes by its key, without its value or limit. */
    private static List<String> gone(Set<String> was, Set<String> will) {
        List<String> out = new ArrayList<>();
        for (String e : was) {
            if (!will.contains(e)) {
                out.add(elementKey(e));
            }
        }
        return out;
    }

    /** The elements of {@code in} that {@code other} lacks, in their order. */
    private static List<String> missing(Set<String> in, Set<String> other) {
        List<String> out = new ArrayList<>();
        for (String e : in) {
            if (!other.contains(e)) {
                out.add(e);
            }
        }
        return out;
    }

    /**
     * Empties the chains whose rules change (or that use a set made anew) and removes the ones no longer
     * wanted; adds new chains. Returns the rules to add once the objects they use are there.
     */
    private static List<String> chains(Set<String> keys, Map<String, String> from, Map<String, String> to,
            Set<String> remade, List<String> lines) {
        List<String> rules = new ArrayList<>();
        for (String k : keys.stream().filter(k -> k.startsWith("o:chain ")).toList()) {
            String chain = HostTable.TABLE + " " + k.substring("o:chain ".length());
            String was = from.get(k);
            String will = to.get(k);
            boolean usesRemade = was != null && remade.stream().anyMatch(o -> o.startsWith("set ")
                    && was.contains("@" + o.substring("set ".length()) + " "));
            if (was != null && (!was.equals(will) || usesRemade)) {
                lines.add("flush chain " + chain);
                if (will == null) {
                    lines.add("delete chain " + chain);
                }
            }
            if (was == null) {
                lines.add("add chain " + chain);
            }
            if (will != null && (!will.equals(was) || usesRemade)) {
                for (String rule : will.split("; ")) {
                    rules.add("add rule " + chain + " " + rule);
                }
            }
        }
        return rules;
    }

    /** Sets: deleted when gone or changed, then added when new or changed. */
    private static void objects(Set<String> keys, Map<String, String> from, Map<String, String> to, Set<String> remade,
            List<String> lines) {
        List<String> adds = new ArrayList<>();
        for (String k : keys.stream().filter(k -> k.startsWith("o:") && !k.startsWith("o:chain ")).toList()) {
            String member = k.substring(2);
            String type = member.substring(0, member.indexOf(' '));
            String object = type + " " + HostTable.TABLE + " " + member.substring(member.indexOf(' ') + 1);
            if (from.containsKey(k) && (!to.containsKey(k) || remade.contains(member))) {
                lines.add("delete " + object);
            }
            if (to.containsKey(k) && (!from.containsKey(k) || remade.contains(member))) {
                adds.add("add " + object + " { " + to.get(k) + " }");
            }
        }
        lines.addAll(adds);
    }

    /** An element's key: what comes before a map value ({@code " : "}) or a stateful part ({@code " limit "}). */
    static String elementKey(String element) {
        int value = element.indexOf(" : ");
        int limit = element.indexOf(" limit ");
        int end = value < 0 ? limit : limit < 0 ? value : Math.min(value, limit);
        return end < 0 ? element : element.substring(0, end);
    }

    private static Set<String> elements(String joined) {
        if (joined == null || joined.isEmpty()) {
            return Set.of();
        }
        // by hand: String.split compiles a pattern for a separator of two characters, once per call
        List<String> parts = new ArrayList<>();
        int at = 0;
        for (int next; (next = joined.indexOf(", ", at)) >= 0; at = next + 2) {
            parts.add(joined.substring(at, next));
        }
        parts.add(joined.substring(at));
        while (!parts.isEmpty() && parts.getLast().isEmpty()) {
            parts.removeLast(); // as split leaves them out
        }
        return new LinkedHashSet<>(parts);
    }
}
