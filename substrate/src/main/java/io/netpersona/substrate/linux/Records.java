package io.netpersona.substrate.linux;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.SubstrateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

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
        this.folderLock = new FolderLock(dir, dir.resolve(LOCK), lockWait);
    }

    static final String LOCK = "lock";
    /**
     * One lock per folder in this process: a file lock belongs to the process, so two objects of one
     * process on one folder are kept apart here, and processes by the lock on {@value #LOCK}.
     */
    private static final Map<Path, ReentrantLock> IN_PROCESS = new java.util.concurrent.ConcurrentHashMap<>();
    private final ReentrantLock inProcess;
    private final java.time.Duration lockWait;
    private final FolderLock folderLock;
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
                folderLock.lock();
                forgetIfChanged();
            }
            return op.get();
        } finally {
            if (inProcess.getHoldCount() == 1) {
                folderLock.unlock();
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

    /** Drops what this object read when the log is no longer the file, or the length, it last saw. */
    private void forgetIfChanged() {
        if (cache == null) {
            return;
        }
        if (!logKey().equals(seenLogKey)) {
            cache = null;
            written.clear();
            pending = null;
            journaled = Map.of();
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
    private final Map<String, RecordsJson.Slice> written = new java.util.HashMap<>();
    /** The apply the log says was begun and never ended, if any. */
    private Journal pending;
    private long logBytes;
    /** What the records now held take in the log (at most: lines of a log read at start count in full until compacted). */
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
            JsonNode n = RecordsJson.JSON.readTree(line);
            if (n.has("begin")) {
                pending = RecordsJson.journal(n.get("begin"));
            } else if (n.has("commit")) {
                n.get("commit").properties().forEach(e -> {
                    if (e.getValue().isNull()) {
                        into.remove(e.getKey());
                    } else {
                        into.put(e.getKey(), RecordsJson.parse(e.getValue()));
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
        RecordsJson.Commit commit = RecordsJson.commit(all, journaled);
        journaled = Map.of();
        List<RecordsJson.Slice> values = commit.values();
        write(commit.line());
        for (int i = 0; i < all.size(); i++) {
            Record r = all.get(i);
            // what the log holds changes by what this record replaces: without it, a host re-applying a thousand
            // records (a megabyte) would seem to hold nothing new and be compacted, rewritten whole, every time
            Record old = cache.get(r.persona());
            if (old != null) {
                RecordsJson.Slice was = written.get(r.persona());
                liveBytes -= was != null ? was.length() : RecordsJson.json(old).length();
            }
            liveBytes += values.get(i) == null ? 0 : values.get(i).length();
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

    /** Appends one line (an object that {@link RecordsJson} wrote, straight to bytes: it may hold a thousand records). */
    private void write(byte[] bytes) {
        try {
            Files.createDirectories(dir);
            Files.write(log(), bytes, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new SubstrateException("cannot write the state to " + log() + ": " + e.getMessage(), e);
        }
        logBytes += bytes.length;
        seenLogKey = logKey();
    }

    /** Writes the log anew, one commit of what it holds, once it is several times that size. */
    private void compactIfLarge() {
        if (logBytes < COMPACT_FLOOR || logBytes < 4 * liveBytes) {
            return;
        }
        byte[] bytes = RecordsJson.compacted(cache.values(), written);
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

    /**
     * An apply about to touch the kernel: for every key the state before and the state the apply is going
     * to leave. Found in the log with no end, it is an apply that was cut short (a crash, a kill -9).
     */
    record Journal(Map<Resource.Key, Optional<Resource>> before, Map<Resource.Key, Optional<Resource>> target) {}

    /** Writes the journal of an apply before it touches the kernel. */
    void begin(Journal j) {
        cache();
        RecordsJson.Begin line = RecordsJson.begin(j);
        write(line.line());
        pending = j;
        journaled = line.attributes();
    }

    /** Where the journal of the apply under way wrote each resource's attributes, for its records to copy. */
    private Map<Resource, RecordsJson.Slice> journaled = Map.of();

    /** The apply begun and never ended, if the log has one. */
    Optional<Journal> unfinished() {
        cache();
        return Optional.ofNullable(pending);
    }

    /** Ends the apply begun with {@link #begin} without changing any record: it was undone. */
    void abort() {
        write(RecordsJson.line(g -> g.writeBooleanProperty("abort", true)));
        pending = null;
        journaled = Map.of();
    }


}
