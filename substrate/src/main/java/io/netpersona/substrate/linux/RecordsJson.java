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
import java.util.function.BiConsumer;
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

    /** The journal of an apply: {@code {"begin":{"keys":[...]}}}, every key with its state before and its target. */
    static byte[] begin(Records.Journal j) {
        List<Resource.Key> keys = new ArrayList<>(j.before().keySet());
        byte[] joined = joined(keys, (g, k) -> {
            g.writeStartObject();
            key(g, k);
            j.before().get(k).ifPresent(res -> attributes(g, "before", res));
            j.target().getOrDefault(k, Optional.empty()).ifPresent(res -> attributes(g, "target", res));
            g.writeEndObject();
        });
        return concat("{\"begin\":{\"keys\":[".getBytes(StandardCharsets.US_ASCII), joined, "]}}\n".getBytes(StandardCharsets.US_ASCII));
    }

    /** The line that ends an apply, and each record's JSON object in it (null for a record without entries: it goes). */
    record Commit(byte[] line, List<String> values) {}

    /**
     * The line that ends an apply: {@code {"commit":{"PERSONA":RECORD or null,...}}}. Each record is written
     * once, straight into the line (a thousand records are a megabyte or more: writing each to a string and
     * then the strings into the line copied it all twice more); its JSON is cut back out of the line's bytes.
     */
    static Commit commit(List<Records.Record> all) {
        List<List<Records.Record>> chunks = new ArrayList<>();
        for (int i = 0; i < all.size(); i += CHUNK) {
            chunks.add(all.subList(i, Math.min(all.size(), i + CHUNK)));
        }
        record Part(byte[] bytes, List<String> values) {}
        List<Part> parts = (all.size() >= PARALLEL ? chunks.parallelStream() : chunks.stream()).map(chunk -> {
            Bytes out = new Bytes(chunk.size() * 2048);
            List<String> values = new ArrayList<>(chunk.size());
            int written;
            try (JsonGenerator g = JSON.createGenerator(out)) {
                // an object whose opening brace is cut off below, so that the chunks join with commas of their own
                g.writeStartObject();
                for (Records.Record r : chunk) {
                    g.writeName(r.persona());
                    if (r.entries().isEmpty()) {
                        g.writeNull();
                        values.add(null);
                        continue;
                    }
                    g.flush();
                    int from = out.size() + 1; // the value starts after the colon the generator writes before it
                    write(g, r);
                    g.flush();
                    values.add(out.text(from, out.size() - from));
                }
                g.flush();
                written = out.size();
            }
            return new Part(java.util.Arrays.copyOfRange(out.toByteArray(), 1, written), values);
        }).toList();
        byte[] head = "{\"commit\":{".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "}}\n".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream line = new ByteArrayOutputStream(head.length + tail.length
                + parts.stream().mapToInt(p -> p.bytes().length + 1).sum());
        line.writeBytes(head);
        List<String> values = new ArrayList<>(all.size());
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                line.write(',');
            }
            line.writeBytes(parts.get(i).bytes());
            values.addAll(parts.get(i).values());
        }
        line.writeBytes(tail);
        return new Commit(line.toByteArray(), java.util.Collections.unmodifiableList(values));
    }

    /** A byte stream whose written bytes can be read as text in place. */
    private static final class Bytes extends ByteArrayOutputStream {
        Bytes(int size) {
            super(size);
        }

        synchronized String text(int from, int length) {
            return new String(buf, from, length, StandardCharsets.UTF_8);
        }
    }

    /**
     * The items written as array elements with commas between, each chunk of items by a generator of its
     * own, the chunks at once.
     */
    private static <T> byte[] joined(List<T> items, BiConsumer<JsonGenerator, T> write) {
        List<List<T>> chunks = new ArrayList<>();
        for (int i = 0; i < items.size(); i += CHUNK) {
            chunks.add(items.subList(i, Math.min(items.size(), i + CHUNK)));
        }
        List<byte[]> parts = (items.size() >= PARALLEL ? chunks.parallelStream() : chunks.stream()).map(chunk -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream(chunk.size() * 512);
            int written;
            try (JsonGenerator g = JSON.createGenerator(out)) {
                // a generator writes the commas between the values of one context: an array it opens, whose
                // bracket is cut off here, so that the chunks join with commas of their own
                g.writeStartArray();
                chunk.forEach(item -> write.accept(g, item));
                g.flush();
                written = out.size();
            }
            return java.util.Arrays.copyOfRange(out.toByteArray(), 1, written);
        }).toList();
        ByteArrayOutputStream out = new ByteArrayOutputStream(parts.stream().mapToInt(p -> p.length + 1).sum());
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(parts.get(i));
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** One record as a JSON object. */
    static String json(Records.Record r) {
        java.io.StringWriter out = new java.io.StringWriter(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            write(g, r);
        }
        return out.toString();
    }

    static void write(JsonGenerator g, Records.Record r) {
        g.writeStartObject();
        g.writeStringProperty("persona", r.persona());
        g.writeNumberProperty("minor", r.minor());
        if (r.document() != null) {
            g.writeStringProperty("document", r.document());
        }
        g.writeName("entries");
        g.writeStartArray();
        for (Records.Entry e : r.entries().values()) {
            g.writeStartObject();
            key(g, e.key());
            e.original().ifPresent(res -> attributes(g, "original", res));
            e.applied().ifPresent(res -> attributes(g, "applied", res));
            if (e.fingerprint() != null) {
                g.writeStringProperty("fingerprint", e.fingerprint());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void key(JsonGenerator g, Resource.Key k) {
        g.writeStringProperty("kind", k.kind());
        g.writeStringProperty("scope", k.scope());
        g.writeStringProperty("id", k.id());
    }

    private static void attributes(JsonGenerator g, String name, Resource r) {
        g.writeName(name);
        g.writeStartObject();
        r.attributes().forEach(g::writeStringProperty);
        g.writeEndObject();
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
