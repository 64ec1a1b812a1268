package io.netpersona.substrate.linux;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.SubstrateException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * What each persona did to this machine, kept in one append-only log in a state folder (by default under
 * /run, which is emptied on reboot together with the kernel state it describes). For every key a persona
 * touched: the state before it first touched it (to put back on removal), the state it left, and a
 * fingerprint to tell later changes by hand.
 *
 * <p>The log ({@value #LOG}) has one JSON object per line: {@code begin} (an apply is about to touch the
 * kernel: every key's state before and after), {@code commit} (the records that apply replaced, a null
 * for a record that went; it ends the apply) and {@code abort} (the apply was undone; no record changed).
 * Read back, the last word on each persona wins, and a {@code begin} with no end is an apply that was cut
 * short. One line per apply, whatever the number of personas: a host applying a thousand personas writes
 * one line, not a thousand files. When the log grows to several times what it holds, it is written anew
 * (to a new file, renamed over the old one). A line half written by a crash is cut off when read.
 */
final class Records {
    static final String LOG = "records.log";
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** Below this the log is never compacted: rewriting costs more than reading a few extra lines. */
    private static final long COMPACT_FLOOR = 1 << 20;
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
        this(dir, java.time.Duration.ofSeconds(60));
    }

    Records(Path dir, java.time.Duration lockWait) {
        this.dir = dir;
        this.lockWait = lockWait;
        this.inProcess = IN_PROCESS.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> new ReentrantLock());
    }

    static final String LOCK = "lock";
    /**
     * One lock per folder in this process: a file lock belongs to the process, so two objects of one
     * process on one folder are kept apart here, and processes by the lock on {@value #LOCK}.
     */
    private static final Map<Path, ReentrantLock> IN_PROCESS = new java.util.concurrent.ConcurrentHashMap<>();
    private final ReentrantLock inProcess;
    private final java.time.Duration lockWait;
    private FileChannel lockFile;
    private FileLock held;
    /** The log as this object last saw it (file identity and length), to tell when another writer changed it. */
    private Object seenLogKey;

    /**
     * Runs {@code op} as the only user of this folder: other threads of this process and other processes
     * wait (at most the lock wait, then an error names the holder). Whatever another writer logged since
     * this object last looked is read first. Reentrant: an operation may call others.
     */
    <T> T exclusive(Supplier<T> op) {
        boolean mine;
        try {
            mine = inProcess.tryLock(lockWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SubstrateException("interrupted while waiting for the state in " + dir, e);
        }
        if (!mine) {
            throw new SubstrateException("another thread of this process has been changing the state in " + dir
                    + " for " + lockWait.toSeconds() + " s; try again later");
        }
        try {
            if (inProcess.getHoldCount() == 1) {
                lockFile();
                forgetIfChanged();
            }
            return op.get();
        } finally {
            if (inProcess.getHoldCount() == 1) {
                unlockFile();
            }
            inProcess.unlock();
        }
    }

    void exclusive(Runnable op) {
        exclusive(() -> {
            op.run();
            return null;
        });
    }

    private void lockFile() {
        long deadline = System.nanoTime() + lockWait.toNanos();
        try {
            Files.createDirectories(dir);
            FileChannel ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            try {
                FileLock l;
                while ((l = ch.tryLock()) == null) {
                    if (System.nanoTime() > deadline) {
                        String holder = new String(Files.readAllBytes(dir.resolve(LOCK)), StandardCharsets.US_ASCII).strip();
                        throw new SubstrateException("another netpersona process" + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                                + " has been changing the state in " + dir + " for " + lockWait.toSeconds()
                                + " s; wait for it to finish, or stop it");
                    }
                    Thread.sleep(20);
                }
                ch.truncate(0);
                ch.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
                lockFile = ch;
                held = l;
            } catch (RuntimeException | InterruptedException e) {
                ch.close();
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    throw new SubstrateException("interrupted while waiting for the state in " + dir, e);
                }
                throw (RuntimeException) e;
            }
        } catch (IOException e) {
            throw new SubstrateException("cannot lock the state in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void unlockFile() {
        try {
            if (held != null) {
                held.release();
            }
            if (lockFile != null) {
                lockFile.close();
            }
        } catch (IOException e) {
            throw new SubstrateException("cannot unlock the state in " + dir + ": " + e.getMessage(), e);
        } finally {
            held = null;
            lockFile = null;
        }
    }

    /** Drops what this object read when the log is no longer the file, or the length, it last saw. */
    private void forgetIfChanged() {
        if (cache == null) {
            return;
        }
        if (!logKey().equals(seenLogKey)) {
            cache = null;
            written.clear();
            pending = null;
        }
    }

    private Object logKey() {
        try {
            var a = Files.readAttributes(log(), java.nio.file.attribute.BasicFileAttributes.class);
            return List.of(String.valueOf(a.fileKey()), a.size());
        } catch (java.nio.file.NoSuchFileException e) {
            return List.of("none", 0L);
        } catch (IOException e) {
            throw new SubstrateException("cannot read the state in " + log() + ": " + e.getMessage(), e);
        }
    }

    /** Every record, read once from the log and kept up to date by {@link #saveAll}; read again when another writer changed the log ({@link #exclusive}). */
    private Map<String, Record> cache;
    /**
     * The JSON this object wrote for the records it saved, by persona, while they are the cached ones: a
     * compaction writes them again as they are instead of writing a thousand records anew.
     */
    private final Map<String, String> written = new java.util.HashMap<>();
    /** The apply the log says was begun and never ended, if any. */
    private Journal pending;
    private long logBytes;
    private long liveBytes;
    /** Numbers handed to personas that have no record yet, so that personas planned together never share one. */
    private final Map<String, Integer> reserved = new java.util.HashMap<>();

    Optional<Record> load(String persona) {
        return Optional.ofNullable(cache().get(persona));
    }

    List<Record> all() {
        return new ArrayList<>(cache().values());
    }

    private Path log() {
        return dir.resolve(LOG);
    }

    private Map<String, Record> cache() {
        if (cache != null) {
            return cache;
        }
        Map<String, Record> loaded = new TreeMap<>();
        Path f = log();
        if (Files.exists(f)) {
            try {
                byte[] bytes = Files.readAllBytes(f);
                int end = bytes.length;
                while (end > 0 && bytes[end - 1] != '\n') {
                    end--; // a line a crash left half written: never acknowledged, so never applied
                }
                if (end < bytes.length) {
                    try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
                        ch.truncate(end);
                    }
                }
                String text = new String(bytes, 0, end, java.nio.charset.StandardCharsets.UTF_8);
                int lineNo = 0;
                for (String line : text.split("\n")) {
                    lineNo++;
                    if (!line.isBlank()) {
                        replay(line, loaded, f, lineNo);
                    }
                }
                logBytes = end;
            } catch (IOException e) {
                throw new SubstrateException("cannot read the state in " + f + ": " + e.getMessage(), e);
            }
        }
        cache = loaded;
        liveBytes = logBytes;
        seenLogKey = logKey();
        return cache;
    }

    private void replay(String line, Map<String, Record> into, Path f, int lineNo) {
        try {
            JsonNode n = JSON.readTree(line);
            if (n.has("begin")) {
                pending = journal(n.get("begin"));
            } else if (n.has("commit")) {
                n.get("commit").properties().forEach(e -> {
                    if (e.getValue().isNull()) {
                        into.remove(e.getKey());
                    } else {
                        into.put(e.getKey(), parse(e.getValue()));
                    }
                });
                pending = null;
            } else if (n.has("abort")) {
                pending = null;
            } else {
                throw new IllegalArgumentException("a line that is neither begin, commit nor abort");
            }
        } catch (RuntimeException e) {
            throw new SubstrateException("cannot read the state in " + f + ", line " + lineNo + ": " + e.getMessage(), e);
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

    /**
     * Fails when a number reserved for a persona that has no record yet was since recorded for another
     * persona (by another process on this folder, between a plan and its apply): that plan is stale.
     */
    void checkReservations() {
        Map<Integer, String> recorded = new java.util.HashMap<>();
        cache().values().forEach(r -> recorded.put(r.minor(), r.persona()));
        for (Map.Entry<String, Integer> e : reserved.entrySet()) {
            String holder = recorded.get(e.getValue());
            if (holder != null && !holder.equals(e.getKey()) && !cache().containsKey(e.getKey())) {
                reserved.remove(e.getKey());
                throw new SubstrateException("the plan for " + e.getKey() + " is stale: number " + e.getValue()
                        + " it was given now belongs to " + holder + ", recorded by another process since; plan again");
            }
        }
    }

    void save(Record r) {
        saveAll(List.of(r));
    }

    /**
     * Replaces these records (one without entries goes) in one line of the log; ends the apply begun with
     * {@link #begin}, if any.
     */
    void saveAll(List<Record> all) {
        cache();
        // a host's thousand records are written each on its own, on the cores there are, then joined in one line
        List<String> values = (all.size() >= PARALLEL ? all.parallelStream() : all.stream())
                .map(r -> r.entries().isEmpty() ? null : json(r)).toList();
        append(g -> {
            g.writeName("commit");
            g.writeStartObject();
            for (int i = 0; i < all.size(); i++) {
                g.writeName(all.get(i).persona());
                if (values.get(i) == null) {
                    g.writeNull();
                } else {
                    g.writeRawValue(values.get(i));
                }
            }
            g.writeEndObject();
        });
        for (int i = 0; i < all.size(); i++) {
            Record r = all.get(i);
            if (r.entries().isEmpty()) {
                cache.remove(r.persona());
                written.remove(r.persona());
            } else {
                cache.put(r.persona(), r);
                written.put(r.persona(), values.get(i));
            }
            reserved.remove(r.persona());
        }
        pending = null;
        compactIfLarge();
    }

    /** Appends one line: an object whose members {@code members} writes (straight to bytes: the line may hold a thousand records). */
    private void append(java.util.function.Consumer<JsonGenerator> members) {
        byte[] bytes = line(members);
        try {
            Files.createDirectories(dir);
            Files.write(log(), bytes, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new SubstrateException("cannot write the state to " + log() + ": " + e.getMessage(), e);
        }
        logBytes += bytes.length;
        seenLogKey = logKey();
    }

    private static byte[] line(java.util.function.Consumer<JsonGenerator> members) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(1 << 16);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            members.accept(g);
            g.writeEndObject();
        }
        out.write('\n');
        return out.toByteArray();
    }

    /** Writes the log anew, one commit of what it holds, once it is several times that size. */
    private void compactIfLarge() {
        if (logBytes < COMPACT_FLOOR || logBytes < 4 * liveBytes) {
            return;
        }
        byte[] bytes = line(g -> {
            g.writeName("commit");
            g.writeStartObject();
            cache.values().forEach(r -> {
                g.writeName(r.persona());
                String json = written.get(r.persona());
                if (json != null) {
                    g.writeRawValue(json);
                } else {
                    write(g, r);
                }
            });
            g.writeEndObject();
        });
        try {
            Path tmp = Files.createTempFile(dir, LOG, ".tmp");
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, log(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, log(), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new SubstrateException("cannot write the state to " + log() + ": " + e.getMessage(), e);
        }
        logBytes = bytes.length;
        liveBytes = bytes.length;
        seenLogKey = logKey();
    }

    /** Below this many records a commit is written on one thread: starting the others costs more. */
    private static final int PARALLEL = 64;

    /** One record as a JSON object. */
    private static String json(Record r) {
        java.io.StringWriter out = new java.io.StringWriter(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            write(g, r);
        }
        return out.toString();
    }

    private static void write(JsonGenerator g, Record r) {
        g.writeStartObject();
        g.writeStringProperty("persona", r.persona());
        g.writeNumberProperty("minor", r.minor());
        if (r.document() != null) {
            g.writeStringProperty("document", r.document());
        }
        g.writeName("entries");
        g.writeStartArray();
        for (Entry e : r.entries().values()) {
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

    /**
     * An apply about to touch the kernel: for every key the state before and the state the apply is going
     * to leave. Found in the log with no end, it is an apply that was cut short (a crash, a kill -9).
     */
    record Journal(Map<Resource.Key, Optional<Resource>> before, Map<Resource.Key, Optional<Resource>> target) {}

    /** Writes the journal of an apply before it touches the kernel. */
    void begin(Journal j) {
        cache();
        append(g -> {
            g.writeName("begin");
            g.writeStartObject();
            g.writeName("keys");
            g.writeStartArray();
            for (Resource.Key k : j.before().keySet()) {
                g.writeStartObject();
                key(g, k);
                j.before().get(k).ifPresent(res -> attributes(g, "before", res));
                j.target().getOrDefault(k, Optional.empty()).ifPresent(res -> attributes(g, "target", res));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
        pending = j;
    }

    /** The apply begun and never ended, if the log has one. */
    Optional<Journal> unfinished() {
        cache();
        return Optional.ofNullable(pending);
    }

    /** Ends the apply begun with {@link #begin} without changing any record: it was undone. */
    void abort() {
        append(g -> g.writeBooleanProperty("abort", true));
        pending = null;
    }

    private static Journal journal(JsonNode begin) {
        Map<Resource.Key, Optional<Resource>> before = new TreeMap<>();
        Map<Resource.Key, Optional<Resource>> target = new TreeMap<>();
        for (JsonNode o : begin.path("keys")) {
            Resource.Key key = new Resource.Key(o.path("kind").asString(), o.path("scope").asString(), o.path("id").asString());
            before.put(key, resource(key, o.get("before")));
            target.put(key, resource(key, o.get("target")));
        }
        return new Journal(before, target);
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
