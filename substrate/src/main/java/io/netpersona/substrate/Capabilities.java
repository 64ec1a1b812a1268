package io.netpersona.substrate;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a substrate can do, found by probing before anyone asks: each feature ({@code qdisc/htb},
 * {@code classifier/u32}, {@code congestion/bbr}, {@code nftables}, {@code namespaces}...) with whether it
 * works here and, when it does not, why.
 */
public record Capabilities(String substrate, Map<String, Capability> features) {
    public Capabilities {
        features = java.util.Collections.unmodifiableMap(new TreeMap<>(features));
    }

    /** One feature and its verdict. */
    public record Capability(String name, boolean available, String reason) {}

    public boolean has(String feature) {
        Capability c = features.get(feature);
        return c != null && c.available();
    }

    /** Why a feature is missing ("not probed" for one nobody asked about). */
    public String whyNot(String feature) {
        Capability c = features.get(feature);
        return c == null ? "not probed" : c.reason();
    }

    public List<Capability> missing() {
        return features.values().stream().filter(c -> !c.available()).toList();
    }
}
