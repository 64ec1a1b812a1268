package io.netpersona.substrate.linux;

import io.netpersona.model.Rate;
import io.netpersona.substrate.SubstrateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads and writes a {@link HostPicture} as JSON: {@code {"hosts": [{"name", "netns", "uplink", "capacity":
 * "20Mbit", "ifb", "apps": [...]}]}}. The lab writes one for the network it builds.
 */
public final class HostPictures {
    /** Where the lab leaves the picture of the network it built. */
    public static final Path LAB = Path.of("/run/netpersona/lab/host-picture.json");
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private HostPictures() {}

    public static HostPicture read(Path file) {
        try {
            JsonNode root = JSON.readTree(Files.readString(file));
            List<HostPicture.Host> hosts = new ArrayList<>();
            for (JsonNode h : root.path("hosts")) {
                List<String> apps = new ArrayList<>();
                h.path("apps").forEach(a -> apps.add(a.asString()));
                hosts.add(new HostPicture.Host(text(h, "name"), h.path("netns").asString(""), text(h, "uplink"),
                        Rate.parse(text(h, "capacity")), h.hasNonNull("ifb") ? h.get("ifb").asString() : null, apps));
            }
            return new HostPicture(hosts);
        } catch (IOException | RuntimeException e) {
            throw new SubstrateException("cannot read the host picture " + file + ": " + e.getMessage(), e);
        }
    }

    public static void write(HostPicture picture, Path file) {
        ObjectNode root = JSON.createObjectNode();
        var hosts = root.putArray("hosts");
        for (HostPicture.Host h : picture.hosts()) {
            ObjectNode o = hosts.addObject();
            o.put("name", h.name());
            o.put("netns", h.netns());
            o.put("uplink", h.uplink());
            o.put("capacity", h.capacity().toString());
            if (h.ifb() != null) {
                o.put("ifb", h.ifb());
            }
            var apps = o.putArray("apps");
            h.apps().forEach(apps::add);
        }
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } catch (IOException e) {
            throw new SubstrateException("cannot write the host picture " + file + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode h, String field) {
        if (!h.hasNonNull(field)) {
            throw new IllegalArgumentException("a host without " + field);
        }
        return h.get(field).asString();
    }
}
