package io.netpersona.lab;

import io.netpersona.model.Durations;
import io.netpersona.model.Rate;
import io.netpersona.substrate.linux.HostPictureCodec;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The lab's files in its state folder: {@code lab.json} (the configuration it was built with, as changed
 * since, and the delay element's pid), {@code host-picture.json} (for the substrate), the delay element's
 * control and status files and its log. Every write replaces its file atomically.
 */
final class LabFiles {
    static final String LAB = "lab.json", PICTURE = "host-picture.json", CONTROL = "delay.control",
            STATUS = "delay.status", LOG = "delay-element.log";
    /** Everything the lab ever writes there, so that cleaning removes exactly these. */
    static final List<String> ALL = List.of(LAB, PICTURE, CONTROL, STATUS, STATUS + ".tmp", LOG);
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final Path dir;

    LabFiles(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    Path path(String name) {
        return dir.resolve(name);
    }

    /** What lab.json holds: the configuration and the delay element's pid (absent before it started). */
    record Saved(LabConfig config, OptionalLong elementPid) {}

    void save(LabConfig c, OptionalLong pid) {
        ObjectNode root = JSON.createObjectNode();
        root.put("prefix", c.prefix());
        root.put("clients", c.clients());
        ObjectNode sites = root.putObject("sites");
        for (Site s : Site.values()) {
            LabConfig.SiteConfig sc = c.site(s);
            ObjectNode o = sites.putObject(s.letter());
            o.put("rate", sc.rate().toString());
            o.put("delay", Durations.format(sc.delay()));
            o.put("lossPercent", sc.lossPercent());
            o.put("mtu", sc.mtu());
            var apps = o.putArray("apps");
            sc.apps().forEach(apps::add);
        }
        pid.ifPresent(p -> root.put("delayElementPid", p));
        write(LAB, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    }

    Optional<Saved> load() {
        Path f = path(LAB);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            JsonNode root = JSON.readTree(Files.readString(f));
            LabConfig.Builder b = LabConfig.builder().prefix(root.path("prefix").asString()).stateDir(dir)
                    .clients(root.path("clients").asInt());
            for (Site s : Site.values()) {
                JsonNode o = root.path("sites").path(s.letter());
                List<String> apps = new ArrayList<>();
                o.path("apps").forEach(a -> apps.add(a.asString()));
                b.rate(s, Rate.parse(o.path("rate").asString())).delay(s, Durations.parse(o.path("delay").asString()))
                        .loss(s, o.path("lossPercent").asDouble()).mtu(s, o.path("mtu").asInt()).apps(s, apps);
            }
            OptionalLong pid = root.hasNonNull("delayElementPid") ? OptionalLong.of(root.get("delayElementPid").asLong()) : OptionalLong.empty();
            return Optional.of(new Saved(b.build(), pid));
        } catch (IOException | RuntimeException e) {
            throw new LabException("cannot read the lab's state " + f + ": " + e.getMessage()
                    + " (persona lab down removes it, with everything else of the lab)", e);
        }
    }

    void savePicture(LabLayout l) {
        write(PICTURE, HostPictureCodec.write(l.picture()));
    }

    /** The delay element's control file: a new generation with each site's one-way delay in microseconds. */
    void saveControl(LabLayout l, long generation) {
        StringBuilder s = new StringBuilder("generation=" + generation + "\n");
        for (Site site : Site.values()) {
            s.append(l.delayDevice(site)).append('=').append(l.config().site(site).delay().toNanos() / 1000).append('\n');
        }
        write(CONTROL, s.toString());
    }

    /** The generation of the delay element's control file (0 when there is none). */
    long controlGeneration() {
        return read(CONTROL).flatMap(t -> t.lines().filter(x -> x.startsWith("generation="))
                .map(x -> Long.parseLong(x.substring("generation=".length()).strip())).findFirst()).orElse(0L);
    }

    void write(String name, String text) {
        Path f = path(name);
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, name, ".tmp");
            Files.writeString(tmp, text);
            try {
                Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new LabException("cannot write " + f + ": " + e.getMessage(), e);
        }
    }

    Optional<String> read(String name) {
        try {
            return Files.exists(path(name)) ? Optional.of(Files.readString(path(name))) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Removes the lab's files (and the folder, when nothing else is left in it). */
    void removeAll() {
        try {
            for (String name : ALL) {
                Files.deleteIfExists(path(name));
            }
            if (Files.isDirectory(dir)) {
                try (var rest = Files.list(dir)) {
                    for (Path p : rest.toList()) {
                        String n = p.getFileName().toString();
                        if (ALL.stream().anyMatch(a -> n.startsWith(a)) && n.endsWith(".tmp")) {
                            Files.deleteIfExists(p); // an interrupted write's temporary file
                        }
                    }
                }
                try (var rest = Files.list(dir)) {
                    if (rest.findAny().isEmpty()) {
                        Files.delete(dir);
                    }
                }
            }
        } catch (IOException e) {
            throw new LabException("cannot remove the lab's files in " + dir + ": " + e.getMessage(), e);
        }
    }
}
