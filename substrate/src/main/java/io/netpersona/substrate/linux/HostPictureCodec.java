package io.netpersona.substrate.linux;

import io.netpersona.model.InvalidValueException;
import io.netpersona.model.Rate;
import io.netpersona.substrate.SubstrateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@link HostPicture} as a JSON file, so that whoever knows the hosts (an operator, the lab) can hand
 * them to the driver:
 * <pre>{"hosts": [{"name": "host-a", "netns": "npl-host-a", "uplink": "npl-a-up", "capacity": "20Mbit",
 *              "ifb": "npl-a-ifb", "apps": ["npl-a-arena", "npl-a-db"]}]}</pre>
 * {@code netns} "" is the machine's own namespace; {@code ifb} may be absent (no ingress shaping). Reading
 * is strict: an unknown field or a bad value is refused with its path, so a typo cannot silently drop a
 * host out of the picture.
 */
public final class HostPictureCodec {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Set<String> HOST_FIELDS = Set.of("name", "netns", "uplink", "capacity", "ifb", "apps");

    private HostPictureCodec() {}

    public static HostPicture read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new SubstrateException("cannot read the host picture " + file + ": " + e.getMessage(), e);
        } catch (SubstrateException e) {
            throw new SubstrateException(file + ": " + e.getMessage(), e);
        }
    }

    public static HostPicture parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new SubstrateException("not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new SubstrateException("expected an object {\"hosts\": [...]}");
        }
        for (String field : root.propertyNames()) {
            if (!field.equals("hosts")) {
                throw new SubstrateException(field + ": unknown field (expected: hosts)");
            }
        }
        JsonNode hosts = root.path("hosts");
        if (!hosts.isArray()) {
            throw new SubstrateException("hosts: " + hosts + " (expected: a list of hosts)");
        }
        List<HostPicture.Host> out = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++) {
            out.add(host("hosts[" + i + "]", hosts.get(i)));
        }
        return new HostPicture(out);
    }

    private static HostPicture.Host host(String path, JsonNode h) {
        if (!h.isObject()) {
            throw new SubstrateException(path + ": " + h + " (expected: an object)");
        }
        for (String field : h.propertyNames()) {
            if (!HOST_FIELDS.contains(field)) {
                throw new SubstrateException(path + "." + field + ": unknown field (expected: one of " + HOST_FIELDS.stream().sorted().toList() + ")");
            }
        }
        String name = text(path + ".name", h.get("name"));
        String netns = text(path + ".netns", h.get("netns"));
        String uplink = text(path + ".uplink", h.get("uplink"));
        String capacityText = text(path + ".capacity", h.get("capacity"));
        String ifb = h.hasNonNull("ifb") ? text(path + ".ifb", h.get("ifb")) : null;
        List<String> apps = new ArrayList<>();
        JsonNode a = h.path("apps");
        if (!a.isMissingNode() && !a.isArray()) {
            throw new SubstrateException(path + ".apps: " + a + " (expected: a list of namespace names)");
        }
        for (int i = 0; i < a.size(); i++) {
            apps.add(text(path + ".apps[" + i + "]", a.get(i)));
        }
        Rate capacity;
        try {
            capacity = Rate.parse(capacityText);
        } catch (InvalidValueException e) {
            throw new SubstrateException(path + ".capacity: " + capacityText + " (expected: " + e.expected() + ")");
        }
        try {
            return new HostPicture.Host(name, netns, uplink, capacity, ifb, apps);
        } catch (IllegalArgumentException e) {
            throw new SubstrateException(path + ": " + e.getMessage());
        }
    }

    private static String text(String path, JsonNode n) {
        if (n == null || !n.isString()) {
            throw new SubstrateException(path + ": " + (n == null ? "missing" : n.toString()) + " (expected: a string)");
        }
        return n.asString();
    }

    /** The picture as pretty-printed JSON, the form {@link #parse} reads. */
    public static String write(HostPicture picture) {
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
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }
}
