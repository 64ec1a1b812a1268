package io.netpersona.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the agent was told to run and what it runs, in {@code DIR/agent-state.json}. Written before the
 * agent touches the host ({@code desired} first, {@code running} after the apply returned), atomically:
 * a temporary file, fsync, rename over the old one, fsync of the folder. A crash therefore leaves either
 * the old or the new file, never half of one, and a restart knows what it was doing.
 *
 * <p>The agent's one worker thread changes it; {@link #runningVersions} may be read from any thread.
 */
final class LocalState {
    static final String FILE = "agent-state.json";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One persona version with its whole document (the control plane's JSON), so it can be applied again offline. */
    record Doc(long version, String json) {}

    private final Path dir;
    private final Map<String, Doc> desired = new TreeMap<>();
    private final Map<String, Doc> running = new TreeMap<>();

    private LocalState(Path dir) {
        this.dir = dir;
    }

    /** The state in {@code dir}, empty when the folder holds none (a fresh host). */
    static LocalState load(Path dir) {
        LocalState s = new LocalState(dir);
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return s;
        }
        try {
            JsonNode root = JSON.readTree(Files.readString(file));
            read(root.path("desired"), s.desired, file, "desired");
            read(root.path("running"), s.running, file, "running");
        } catch (IOException | JacksonException e) {
            throw new AgentException(file + ": cannot read the agent's state (" + e.getMessage()
                    + "); move it away to start from an empty host record", e);
        }
        return s;
    }

    private static void read(JsonNode node, Map<String, Doc> into, Path file, String field) {
        for (var e : node.properties()) {
            JsonNode v = e.getValue();
            if (!v.path("version").isIntegralNumber() || !v.path("document").isString()) {
                throw new AgentException(file + ": " + field + "." + e.getKey() + ": " + v
                        + " (expected: {version: NUMBER, document: TEXT}); move the file away to start from an empty record");
            }
            into.put(e.getKey(), new Doc(v.get("version").asLong(), v.get("document").asString()));
        }
    }

    Map<String, Doc> desired() {
        return Collections.unmodifiableMap(desired);
    }

    Map<String, Doc> running() {
        return Collections.unmodifiableMap(running);
    }

    /** name -> version of what runs, the map Hello, Ack and Nack carry. */
    synchronized Map<String, Long> runningVersions() {
        Map<String, Long> out = new TreeMap<>();
        running.forEach((k, v) -> out.put(k, v.version()));
        return out;
    }

    /** The intent to run {@code doc} under {@code name} (or, with null, to run nothing under it); saved at once. */
    synchronized void want(String name, Doc doc) {
        if (doc == null) {
            desired.remove(name);
        } else {
            desired.put(name, doc);
        }
        save();
    }

    /** What the host realises now under {@code name} (null: nothing); saved at once. */
    synchronized void ran(String name, Doc doc) {
        if (doc == null) {
            running.remove(name);
        } else {
            running.put(name, doc);
        }
        save();
    }

    private void save() {
        ObjectNode root = JSON.createObjectNode();
        write(root.putObject("desired"), desired);
        write(root.putObject("running"), running);
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve(FILE);
        Path tmp = dir.resolve(FILE + ".tmp");
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new AgentException(dir + ": the file system cannot rename atomically, which the agent's state needs", e);
            }
            // the rename is durable only once the folder's entry is
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        } catch (IOException e) {
            throw new AgentException(file + ": cannot write the agent's state (" + e.getMessage() + ")", e);
        }
    }

    private static void write(ObjectNode into, Map<String, Doc> docs) {
        docs.forEach((name, d) -> into.putObject(name).put("version", d.version()).put("document", d.json()));
    }
}
