package io.netpersona.model;

import java.util.Map;

/**
 * Identity of a persona. {@code name} matches {@code [a-z0-9][a-z0-9-]{0,62}}; {@code version} is set by the
 * repository and grows monotonically; labels are free key/value pairs for selection.
 */
public record Metadata(String name, Integer version, Map<String, String> labels) {
    public Metadata {
        labels = Copies.map(labels);
    }

    public static Metadata named(String name) {
        return new Metadata(name, null, null);
    }

    public Metadata withVersion(Integer v) {
        return new Metadata(name, v, labels);
    }
}
