package io.netpersona.learn.synth;

import io.netpersona.learn.profile.Profile;
import io.netpersona.model.Dependency;
import io.netpersona.model.IpAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The persona's dependencies from the profile's peers, each with a name unique in the persona: the first label
 * of the name the traffic gave it ({@code scores} for scores.lab), else a service name for its port and its
 * address ({@code dns-10-77-2-2}), else protocol, port and address.
 */
final class Dependencies {
    private static final Map<Integer, String> SERVICES = Map.ofEntries(Map.entry(53, "dns"), Map.entry(80, "http"),
            Map.entry(443, "https"), Map.entry(123, "ntp"), Map.entry(5432, "postgres"), Map.entry(3306, "mysql"),
            Map.entry(6379, "redis"), Map.entry(27017, "mongodb"), Map.entry(9092, "kafka"), Map.entry(5672, "amqp"),
            Map.entry(1883, "mqtt"), Map.entry(11211, "memcached"), Map.entry(22, "ssh"), Map.entry(25, "smtp"));
    private final String persona;
    private final Set<String> taken = new HashSet<>();

    Dependencies(String persona) {
        this.persona = persona;
        taken.add(persona);
    }

    List<Dependency> of(Profile profile, Map<String, String> reasons) {
        List<Dependency> out = new ArrayList<>();
        for (Profile.Peer p : profile.dependencies()) {
            String name = unique(base(p));
            String host = PersonaSynthesizer.isHost(p.name()) ? p.name().toLowerCase(Locale.ROOT).replaceAll("\\.$", "") : null;
            Double rtt = p.rttP50Nanos() < 0 ? null : Math.round(p.rttP50Nanos() / 10_000.0) / 100.0;
            out.add(new Dependency(name, new IpAddress(p.address()), host, p.protocol(), p.protocol().hasPorts() ? p.port() : null,
                    p.critical(), rtt));
            reasons.put("spec.dependencies." + name, String.join("; ", p.reasons()) + String.format(Locale.ROOT,
                    " (%d flows, %.1f per minute, %d bytes out, %d in%s)", p.flows(), p.connectionsPerMinute(), p.bytesOut(),
                    p.bytesIn(), rtt == null ? "" : ", median RTT " + rtt + " ms"));
        }
        return out;
    }

    private static String base(Profile.Peer p) {
        String address = new IpAddress(p.address()).toString().replaceAll("[^0-9a-f]+", "-");
        if (!p.name().isEmpty()) {
            String label = p.name().toLowerCase(Locale.ROOT).split("\\.")[0].replaceAll("[^a-z0-9-]+", "-")
                    .replaceAll("^-+|-+$", "");
            if (!label.isEmpty() && !label.equals("www")) {
                return label;
            }
        }
        String service = p.protocol().hasPorts() ? SERVICES.get(p.port()) : null;
        if (service != null) {
            return service + "-" + address;
        }
        String proto = p.protocol().name().toLowerCase(Locale.ROOT);
        return p.protocol().hasPorts() ? proto + "-" + p.port() + "-" + address : proto + "-" + address;
    }

    private String unique(String base) {
        String b = base.length() > 58 ? base.substring(0, 58).replaceAll("-+$", "") : base;
        String name = b;
        for (int i = 2; !taken.add(name); i++) {
            name = b + "-" + i;
        }
        return name;
    }
}
