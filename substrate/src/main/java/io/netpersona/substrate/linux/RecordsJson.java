package io.netpersona.substrate.linux;

import io.netpersona.substrate.Resource;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON of {@link Records}' log: its lines ({@code begin}, {@code commit}, {@code abort}) written and
 * read back. A host's thousand personas make lines of megabytes: their parts are written on the cores
 * there are, each straight to UTF-8, and joined as bytes.
 */
final class RecordsJson {
    static final ObjectMapper JSON = JsonMapper.builder().build();
    /** Below this many parts a line is written on one thread: starting the others costs more. */
    private static final int PARALLEL = 64;
    /** Parts written by one task: enough to outweigh its start. */
    private static final int CHUNK = 128;

    private RecordsJson() {}

    /** One line: an object whose members {@code members} writes, and its newline. */
    static byte[] line(Consumer<JsonGenerator> members) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 16);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            members.accept(g);
            g.writeEndObject();
        }
        out.write('\n');
        return out.toByteArray();
    }

    /**
     * The journal's line, and where in it each resource's attributes were written (by the resource object):
     * the records that end the apply hold the same resources as originals and as applied, and copy those
     * bytes rather than write them again after the kernel.
     */
    record Begin(byte[] line, Map<Resource, Slice> attributes) {}

    /** The journal of an apply: {@code {"begin":{"keys":[...]}}}, every key with its state before and its target. */
    static Begin begin(Records.Journal j) {
        List<Resource.Key> keys = new ArrayList<>(j.before().keySet());
        List<List<Resource.Key>> chunks = chunks(keys);
        // each attributes object written: its resource, where it starts in its part, its length
        record Part(byte[] bytes, List<Resource> resources, int[] from, int[] length) {}
        List<Part> parts = (keys.size() >= PARALLEL ? chunks.parallelStream() : chunks.stream()).map(chunk -> {
            JsonOut out = new JsonOut(chunk.size() * 512);
            List<Resource> resources = new ArrayList<>(chunk.size() * 2);
            int[] from = new int[chunk.size() * 2];
            int[] length = new int[chunk.size() * 2];
            for (Resource.Key k : chunk) {
                out.beginObject();
                key(out, k);
                Optional<Resource> before = j.before().get(k);
                Optional<Resource> target = j.target().getOrDefault(k, Optional.empty());
                for (int side = 0; side < 2; side++) {
                    Optional<Resource> state = side == 0 ? before : target;
                    if (state.isPresent()) {
                        out.name(side == 0 ? "before" : "target");
                        from[resources.size()] = out.size();
                        attributes(out, state.get());
                        length[resources.size()] = out.size() - from[resources.size()];
                        resources.add(state.get());
                    }
                }
                out.endObject();
            }
            return new Part(out.bytes(), resources, from, length);
        }).toList();
        String head = "{\"begin\":{\"keys\":[";
        byte[] line = joined(head, parts.stream().map(Part::bytes).toList(), "]}}\n");
        Map<Resource, Slice> attributes = new java.util.IdentityHashMap<>();
        int at = head.length();
        for (Part p : parts) {
            for (int i = 0; i < p.resources().size(); i++) {
                attributes.put(p.resources().get(i), new Slice(line, at + p.from()[i], p.length()[i]));
            }
            at += p.bytes().length + 1;
        }
        return new Begin(line, java.util.Collections.unmodifiableMap(attributes));
    }

    /** The line that ends an apply, and each record's JSON object in it (null for a record without entries: it goes). */
    record Commit(byte[] line, List<Slice> values) {}

    /**
     * A record's JSON where it was written: a part of a commit line, kept as it is (a thousand records' JSON
     * as strings of their own were another megabyte or two to decode and keep, for a compaction that seldom comes).
     */
    record Slice(byte[] bytes, int from, int length) {
        String text() {
            return new String(bytes, from, length, StandardCharsets.UTF_8);
        }
    }

    /**
     * The line that ends an apply: {@code {"commit":{"PERSONA":RECORD or null,...}}}. Each record is written
     * once, straight into the line (a thousand records are a megabyte or more: writing each to a string and
     * then the strings into the line copied it all twice more); its JSON is cut back out of the line's bytes.
     */
    static Commit commit(List<Records.Record> all) {
        return commit(all, Map.of());
    }

    /** The same, with the attributes of resources written before ({@link Begin#attributes}) copied from where they were written. */
    static Commit commit(List<Records.Record> all, Map<Resource, Slice> written) {
        // each record's value as where it starts in its part and its length (-1: null)
        record Part(byte[] bytes, int[] from, int[] length) {}
        List<List<Records.Record>> chunks = chunks(all);
        List<Part> parts = (all.size() >= PARALLEL ? chunks.parallelStream() : chunks.stream()).map(chunk -> {
            JsonOut out = new JsonOut(chunk.size() * 2048);
            int[] from = new int[chunk.size()];
            int[] length = new int[chunk.size()];
            for (int i = 0; i < chunk.size(); i++) {
                Records.Record r = chunk.get(i);
                out.name(r.persona());
                if (r.entries().isEmpty()) {
                    out.nullValue();
                    length[i] = -1;
                    continue;
                }
                from[i] = out.size();
                write(out, r, written);
                length[i] = out.size() - from[i];
            }
            return new Part(out.bytes(), from, length);
        }).toList();
        String head = "{\"commit\":{";
        byte[] line = joined(head, parts.stream().map(Part::bytes).toList(), "}}\n");
        List<Slice> values = new ArrayList<>(all.size());
        int at = head.length();
        for (Part p : parts) {
            for (int i = 0; i < p.from().length; i++) {
                values.add(p.length()[i] < 0 ? null : new Slice(line, at + p.from()[i], p.length()[i]));
            }
            at += p.bytes().length + 1;
        }
        return new Commit(line, java.util.Collections.unmodifiableList(values));
    }

    /**
     * A commit of every record held ({@code written}: the JSON of those this object wrote, kept as it is), for
     * a log written anew.
     */
    static byte[] compacted(java.util.Collection<Records.Record> all, Map<String, Slice> written) {
        JsonOut out = new JsonOut(1 << 16);
        out.beginObject().name("commit").beginObject();
        for (Records.Record r : all) {
            out.name(r.persona());
            Slice json = written.get(r.persona());
            if (json != null) {
                out.rawValue(json.bytes(), json.from(), json.length());
            } else {
                write(out, r);
            }
        }
        out.endObject().endObject().raw("\n");
        return out.bytes();
    }

    private static <T> List<List<T>> chunks(List<T> items) {
        List<List<T>> chunks = new ArrayList<>();
        for (int i = 0; i < items.size(); i += CHUNK) {
            chunks.add(items.subList(i, Math.min(items.size(), i + CHUNK)));
        }
        return chunks;
    }

    /** The parts joined with commas between, after {@code head} and before {@code tail}. */
    private static byte[] joined(String head, List<byte[]> parts, String tail) {
        int length = head.length() + tail.length() + Math.max(0, parts.size() - 1);
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] line = new byte[length];
        int at = 0;
        for (int i = 0; i < head.length(); i++) {
            line[at++] = (byte) head.charAt(i);
        }
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                line[at++] = ',';
            }
            System.arraycopy(parts.get(i), 0, line, at, parts.get(i).length);
            at += parts.get(i).length;
        }
        for (int i = 0; i < tail.length(); i++) {
            line[at++] = (byte) tail.charAt(i);
        }
        return line;
    }

    /** One record as a JSON object. */
    static String json(Records.Record r) {
        JsonOut out = new JsonOut(1024);
        write(out, r);
        return out.text(0);
    }

    static void write(JsonOut out, Records.Record r) {
        write(out, r, Map.of());
    }

    private static void write(JsonOut out, Records.Record r, Map<Resource, Slice> written) {
        out.beginObject();
        out.property("persona", r.persona());
        out.name("minor").value(r.minor());
        if (r.document() != null) {
            out.property("document", r.document());
        }
        out.name("entries").beginArray();
        for (Records.Entry e : r.entries().values()) {
            out.beginObject();
            key(out, e.key());
            e.original().ifPresent(res -> attributes(out, "original", res, written));
            e.applied().ifPresent(res -> attributes(out, "applied", res, written));
            if (e.fingerprint() != null) {
                out.property("fingerprint", e.fingerprint());
            }
            out.endObject();
        }
        out.endArray();
        out.endObject();
    }

    private static void key(JsonOut out, Resource.Key k) {
        out.property("kind", k.kind());
        out.property("scope", k.scope());
        out.property("id", k.id());
    }

    private static void attributes(JsonOut out, String name, Resource r, Map<Resource, Slice> written) {
        out.name(name);
        Slice before = written.get(r);
        if (before != null) {
            out.rawValue(before.bytes(), before.from(), before.length());
        } else {
            attributes(out, r);
        }
    }

    private static void attributes(JsonOut out, Resource r) {
        out.beginObject();
        r.attributes().forEach(out::property);
        out.endObject();
    }

    static Records.Journal journal(JsonNode begin) {
        Map<Resource.Key, Optional<Resource>> before = new TreeMap<>();
        Map<Resource.Key, Optional<Resource>> target = new TreeMap<>();
        for (JsonNode o : begin.path("keys")) {
            Resource.Key key = new Resource.Key(o.path("kind").asString(), o.path("scope").asString(), o.path("id").asString());
            before.put(key, resource(key, o.get("before")));
            target.put(key, resource(key, o.get("target")));
        }
        return new Records.Journal(before, target);
    }

    static Records.Record parse(JsonNode root) {
        Map<Resource.Key, Records.Entry> entries = new LinkedHashMap<>();
        for (JsonNode o : root.path("entries")) {
            Resource.Key key = new Resource.Key(o.path("kind").asString(), o.path("scope").asString(), o.path("id").asString());
            entries.put(key, new Records.Entry(key, resource(key, o.get("original")), resource(key, o.get("applied")),
                    o.hasNonNull("fingerprint") ? o.get("fingerprint").asString() : null));
        }
        return new Records.Record(root.path("persona").asString(), root.path("minor").asInt(), entries,
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
