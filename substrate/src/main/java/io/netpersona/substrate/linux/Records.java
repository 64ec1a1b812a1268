package io.netpersona.substrate.linux;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.SubstrateException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What each persona did to this machine, one JSON file per persona in a state folder (by default under
 * /run, which is emptied on reboot together with the kernel state it describes). For every key a persona
 * touched: the state before it first touched it (to put back on removal), the state it left, and a
 * fingerprint to tell later changes by hand. Written before an apply starts (so a crash mid-apply still
 * knows what to put back) and again when it ends; each write replaces the file atomically.
 */
final class Records {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private final Path dir;

    /** One touched key. {@code original} empty: the persona created it; {@code applied} empty: it deleted it. */
    record Entry(Resource.Key key, Optional<Resource> original, Optional<Resource> applied, String fingerprint) {
        static Entry none(Resource.Key key) {
            return new Entry(key, Optional.empty(), Optional.empty(), null);
        }
    }

    /** A persona's record: its numbers, its entries, and the persona document last applied (YAML, or null). */
    record Record(String persona, int minor, Map<Resource.Key, Entry> entries, String document) {
        Record {
            entries = new TreeMap<>(entries);
        }

        Record with(Map<Resource.Key, Entry> newEntries, String newDocument) {
            return new Record(persona, minor, newEntries, newDocument);
        }

        Entry entry(Resource.Key key) {
            return entries.getOrDefault(key, Entry.none(key));
        }
    }

    Records(Path dir) {
        this.dir = dir;
    }

    /** Every record, read once from the folder and kept up to date by {@link #save}: one writer per folder. */
    private Map<String, Record> cache;
    /** Numbers handed to personas that have no record yet, so that personas planned together never share one. */
    private final Map<String, Integer> reserved = new java.util.HashMap<>();

    Optional<Record> load(String persona) {
        return Optional.ofNullable(cache().get(persona));
    }

    List<Record> all() {
        return new ArrayList<>(cache().values());
    }

    private Map<String, Record> cache() {
        if (cache != null) {
            return cache;
        }
        Map<String, Record> loaded = new TreeMap<>();
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                    Record r = read(f);
                    loaded.put(r.persona(), r);
                }
            } catch (IOException e) {
                throw new SubstrateException("cannot list " + dir + ": " + e.getMessage(), e);
            }
        }
        cache = loaded;
        return cache;
    }

    private static Record read(Path f) {
        try {
            return parse(JSON.readTree(Files.readString(f)));
        } catch (IOException | RuntimeException e) {
            throw new SubstrateException("cannot read the state in " + f + ": " + e.getMessage(), e);
        }
    }

    /** The minor number of a persona: recorded, or reserved, or the first free one from a hash of its name. */
    int allocate(String persona) {
        Optional<Record> existing = load(persona);
        if (existing.isPresent()) {
            return existing.get().minor();
        }
        Integer mine = reserved.get(persona);
        if (mine != null) {
            return mine;
        }
        Set<Integer> taken = new HashSet<>(reserved.values());
        cache().values().forEach(r -> taken.add(r.minor()));
        int span = 0xff00 - 0x10;
        int candidate = 0x10 + Math.floorMod(persona.hashCode() * 31 + 7, span);
        while (taken.contains(candidate)) {
            candidate = 0x10 + Math.floorMod(candidate - 0x10 + 1, span);
        }
        reserved.put(persona, candidate);
        return candidate;
    }

    void save(Record r) {
        Path f = file(r.persona());
        cache();
        if (r.entries().isEmpty()) {
            cache.remove(r.persona());
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                throw new SubstrateException("cannot remove " + f + ": " + e.getMessage(), e);
            }
            return;
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("persona", r.persona());
        root.put("minor", r.minor());
        if (r.document() != null) {
            root.put("document", r.document());
        }
        var entries = root.putArray("entries");
        for (Entry e : r.entries().values()) {
            ObjectNode o = entries.addObject();
            o.put("kind", e.key().kind());
            o.put("scope", e.key().scope());
            o.put("id", e.key().id());
            e.original().ifPresent(res -> o.set("original", JSON.valueToTree(res.attributes())));
            e.applied().ifPresent(res -> o.set("applied", JSON.valueToTree(res.attributes())));
            if (e.fingerprint() != null) {
                o.put("fingerprint", e.fingerprint());
            }
        }
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, r.persona(), ".tmp");
            Files.writeString(tmp, JSON.writeValueAsString(root));
            try {
                Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new SubstrateException("cannot write the state of persona " + r.persona() + " to " + f + ": " + e.getMessage(), e);
        }
        cache.put(r.persona(), r);
        reserved.remove(r.persona());
    }

    private Path file(String persona) {
        return dir.resolve(persona + ".json");
    }

    private static Record parse(JsonNode root) {
        Map<Resource.Key, Entry> entries = new LinkedHashMap<>();
        for (JsonNode o : root.path("entries")) {
            Resource.Key key = new Resource.Key(o.path("kind").asString(), o.path("scope").asString(), o.path("id").asString());
            entries.put(key, new Entry(key, resource(key, o.get("original")), resource(key, o.get("applied")),
                    o.hasNonNull("fingerprint") ? o.get("fingerprint").asString() : null));
        }
        return new Record(root.path("persona").asString(), root.path("minor").asInt(), entries,
                root.hasNonNull("document") ? root.get("document").asString() : null);
    }

    private static Optional<Resource> resource(Resource.Key key, JsonNode attrs) {
        if (attrs == null || attrs.isNull()) {
            return Optional.empty();
        }
        Map<String, String> m = new TreeMap<>();
        attrs.properties().forEach(e -> m.put(e.getKey(), e.getValue().asString()));
        return Optional.of(new Resource(key.kind(), key.scope(), key.id(), m));
    }
}
