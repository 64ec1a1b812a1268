package io.netpersona.substrate.linux;

import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The records one operation works with: the persona's own, and the host's record of the resources its
 * personas share ({@link ResourceKind#shared}: a host's HTB root, its IFB and the redirect to it). Shared
 * resources belong to no persona, so no persona's removal can take them from the others; they are counted
 * by their users instead: one goes, back to its state before the first user came, when no persona's record
 * holds a resource that it {@linkplain ResourceKind#serves serves} any more.
 */
final class Ledger {
    /** The host's record. Persona names start with a-z or 0-9, so this one cannot be a persona's. */
    static final String SHARED = "_shared";
    private final Records records;
    private final Map<String, ResourceKind> kinds;
    private final Records.Record own;
    private final Records.Record shared;

    private Ledger(Records records, Map<String, ResourceKind> kinds, Records.Record own, Records.Record shared) {
        this.records = records;
        this.kinds = kinds;
        this.own = own;
        this.shared = shared;
    }

    static Ledger load(Records records, Map<String, ResourceKind> kinds, String persona) {
        Records.Record own = records.load(persona)
                .orElseGet(() -> new Records.Record(persona, records.allocate(persona), Map.of(), null));
        Records.Record shared = records.load(SHARED).orElseGet(() -> new Records.Record(SHARED, 0, Map.of(), null));
        return new Ledger(records, kinds, own, shared);
    }

    private boolean isShared(Resource.Key key) {
        ResourceKind kind = kinds.get(key.kind());
        return kind != null && kind.shared();
    }

    Records.Entry entry(Resource.Key key) {
        return (isShared(key) ? shared : own).entry(key);
    }

    /** Whether the key is on record: the persona's own keys, and shared keys some persona made. */
    boolean holds(Resource.Key key) {
        return (isShared(key) ? shared : own).entries().containsKey(key);
    }

    /** The persona's own entries (not the shared ones). */
    Map<Resource.Key, Records.Entry> own() {
        return own.entries();
    }

    /** The persona's and the shared entries in one map, for an apply to update. */
    Map<Resource.Key, Records.Entry> entries() {
        Map<Resource.Key, Records.Entry> all = new TreeMap<>(shared.entries());
        all.putAll(own.entries());
        return all;
    }

    /**
     * The persona's record with these own entries and this document, in its recorded form
     * ({@link #document(Persona)}), or null (empty entries: the record goes).
     */
    Records.Record record(Map<Resource.Key, Records.Entry> ownEntries, String document) {
        return new Records.Record(own.persona(), own.minor(), ownEntries, document);
    }

    /** A persona document in the form records keep it. */
    static String document(Persona document) {
        // on one line: a record is written with every apply, and a thousand indented documents are half its size
        return COMPACT.writeValueAsString(PersonaCodec.toTree(document));
    }

    private static final tools.jackson.databind.ObjectMapper COMPACT = tools.jackson.databind.json.JsonMapper.builder().build();

    /** The host's record of shared resources with these entries. */
    static Records.Record sharedRecord(Map<Resource.Key, Records.Entry> entries) {
        return new Records.Record(SHARED, 0, entries, null);
    }

    /** The host's record as it is now. */
    static Map<Resource.Key, Records.Entry> shared(Records records) {
        return records.load(SHARED).map(Records.Record::entries).orElse(Map.of());
    }

    /** The persona document last applied, as its record keeps it (YAML), or null. */
    String document() {
        return own.document();
    }

    /**
     * Writes {@code entries} (all of them, as {@link #entries} gave them, changed) back, each to its record,
     * with the persona document the host now realises (null: none).
     */
    void save(Map<Resource.Key, Records.Entry> entries, String document) {
        Map<Resource.Key, Records.Entry> mine = new TreeMap<>();
        Map<Resource.Key, Records.Entry> host = new TreeMap<>();
        entries.forEach((k, e) -> (isShared(k) ? host : mine).put(k, e));
        records.save(new Records.Record(own.persona(), own.minor(), mine, document));
        if (!host.equals(records.load(SHARED).map(Records.Record::entries).orElse(Map.of()))) {
            records.save(new Records.Record(SHARED, 0, host, null)); // most applies do not change the host's part
        }
    }

    /**
     * The steps that remove the shared resources this persona used and nobody else will once the persona
     * keeps only {@code kept} (its desired keys; none on removal). {@code now} reads a key's current state.
     */
    List<Step> releases(Set<Resource.Key> kept, Function<Resource.Key, Optional<Resource>> now) {
        // most plans keep every shared resource they use: then who else uses what need not be looked up
        boolean any = shared.entries().values().stream().anyMatch(e -> e.applied().isPresent() && !kept.contains(e.key()));
        return any ? releases(now, new Leaving(records, Set.of(own.persona()), kept)) : List.of();
    }

    /**
     * The same when several personas leave together, this one among them: a shared resource goes when one
     * of them used it and no persona that stays does. {@code leaving} is worked out once for all of them.
     */
    List<Step> releases(Function<Resource.Key, Optional<Resource>> now, Leaving leaving) {
        List<Step> out = new ArrayList<>();
        for (Records.Entry e : shared.entries().values()) {
            if (e.applied().isEmpty() || leaving.kept.contains(e.key())) {
                continue;
            }
            ResourceKind kind = kinds.get(e.key().kind());
            Resource applied = e.applied().get();
            boolean usedByLeaving = leaving.usedByLeaving(e.key(), kind, applied)
                    || own.entries().keySet().stream().anyMatch(k -> kind.serves(applied, k));
            if (usedByLeaving && !leaving.usedByOthers(e.key(), kind, applied)) {
                Reconciler.step(now.apply(e.key()), e.original()).ifPresent(out::add);
            }
        }
        return out;
    }

    /**
     * Personas that leave a host together, with the keys they and the others hold: found once, and each
     * shared resource's users once, rather than again for each of a thousand personas.
     */
    static final class Leaving {
        private final Set<Resource.Key> kept;
        private final List<Resource.Key> theirs = new ArrayList<>();
        private final List<Resource.Key> others;
        private final Map<Resource.Key, Boolean> byLeaving = new java.util.HashMap<>();
        private final Map<Resource.Key, Boolean> byOthers = new java.util.HashMap<>();

        /** {@code names} leave; {@code kept}: keys they keep (a plan's desired keys; none on removal), counted as others'. */
        Leaving(Records records, Set<String> names, Set<Resource.Key> kept) {
            this.kept = kept;
            this.others = new ArrayList<>(kept);
            for (Records.Record r : records.all()) {
                if (r.persona().equals(SHARED)) {
                    continue;
                }
                List<Resource.Key> keys = r.entries().values().stream().filter(e -> e.applied().isPresent())
                        .map(Records.Entry::key).toList();
                (names.contains(r.persona()) ? theirs : others).addAll(keys);
            }
        }

        boolean usedByLeaving(Resource.Key shared, ResourceKind kind, Resource applied) {
            return byLeaving.computeIfAbsent(shared, k -> theirs.stream().anyMatch(d -> kind.serves(applied, d)));
        }

        boolean usedByOthers(Resource.Key shared, ResourceKind kind, Resource applied) {
            return byOthers.computeIfAbsent(shared, k -> others.stream().anyMatch(d -> kind.serves(applied, d)));
        }
    }
}
