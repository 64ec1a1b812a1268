package io.netpersona.model;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Valid personas with a random choice of fields present, for the law tests. Seeded: failures repeat. */
final class RandomPersonas {
    private final Random r;

    RandomPersonas(long seed) {
        r = new Random(seed);
    }

    Persona next() {
        Map<String, String> labels = null;
        if (r.nextBoolean()) {
            labels = new LinkedHashMap<>();
            labels.put("team", pick("games", "video", "db"));
            if (r.nextBoolean()) {
                labels.put("tier", pick("gold", "1.10", "true", "null"));
            }
        }
        Metadata meta = new Metadata(pick("arena", "vod", "scores-db", "web-1"), maybe(() -> 1 + r.nextInt(20)), labels);
        List<Dependency> deps = maybe(this::dependencies);
        Spec spec = new Spec(app(), maybe(() -> pick(TrafficClass.values())), maybe(this::topology), maybe(this::qos),
                maybe(() -> new Tcp(pick(CongestionControl.values()))), maybe(() -> 576 + r.nextInt(9216 - 576 + 1)),
                maybe(this::dns), maybe(this::routing), maybe(() -> security(deps)), deps, maybe(this::adaptation));
        return Persona.of(meta, spec, maybe(this::evidence));
    }

    private AppSelector app() {
        return switch (r.nextInt(4)) {
            case 0 -> AppSelector.netns(pick("arena", "vod", "ns-1"));
            case 1 -> new AppSelector(null, "/sys/fs/cgroup/system.slice/app" + r.nextInt(9) + ".service", null, null);
            case 2 -> new AppSelector(null, null, new Exe(pick("postgres", "/usr/bin/nginx"),
                    r.nextBoolean() ? null : "ab".repeat(32)), null);
            default -> new AppSelector(pick("arena", "db"), null, null,
                    List.of(new PortSelector(pick(Protocol.TCP, Protocol.UDP), 1 + r.nextInt(65535))));
        };
    }

    private Topology topology() {
        TopologyKind kind = pick(TopologyKind.values());
        return switch (kind) {
            case STAR -> new Topology(kind, "hub-" + r.nextInt(3), null, null);
            case MESH -> new Topology(kind, null, r.nextBoolean() ? List.of("a", "b", "c") : null, null);
            case TREE -> new Topology(kind, "root", List.of("root", "leaf-1", "leaf-2"), 2 + r.nextInt(63));
        };
    }

    private Qos qos() {
        Rate g = maybe(() -> new Rate(1_000 + (long) (r.nextDouble() * 1e9)));
        Rate c = maybe(() -> new Rate((g == null ? 1_000 : g.bitsPerSecond()) + (long) (r.nextDouble() * 1e10)));
        return new Qos(maybe(() -> r.nextInt(8)), maybe(() -> new Dscp(r.nextInt(64))), g, c,
                maybe(() -> new ByteSize(1 + r.nextInt(1 << 20))));
    }

    private Dns dns() {
        List<IpAddress> servers = new ArrayList<>();
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            servers.add(IpAddress.parse(r.nextBoolean() ? "10.201.2." + (10 + i) : "fd00::" + (10 + i)));
        }
        return new Dns(servers, r.nextBoolean() ? List.of("lab") : List.of("lab", "corp.example.org"));
    }

    private Routing routing() {
        return new Routing(pick("uplink-a", "eth0"), r.nextBoolean() ? null : List.of("uplink-b", "wlan0"));
    }

    private List<Dependency> dependencies() {
        List<Dependency> deps = new ArrayList<>();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
            deps.add(new Dependency("dep-" + r.nextInt(6) + "-" + i, IpAddress.parse("10.201.3." + (i + 1)),
                    maybe(() -> "db.lab"), Protocol.TCP, 1 + r.nextInt(65535), maybe(r::nextBoolean),
                    maybe(() -> r.nextDouble() * 100)));
        }
        return deps;
    }

    private Security security(List<Dependency> deps) {
        List<AllowRule> allow = new ArrayList<>();
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
            AllowRule rule = r.nextBoolean()
                    ? new AllowRule(Direction.INGRESS, pick(Protocol.TCP, Protocol.UDP), maybe(() -> Cidr.parse("10.0.0.0/8")),
                            null, 1 + r.nextInt(65535), null)
                    : new AllowRule(Direction.EGRESS, pick(Protocol.TCP, Protocol.UDP), null,
                            Cidr.parse("10.201." + r.nextInt(256) + ".0/24"), 1 + r.nextInt(65535),
                            deps == null || deps.isEmpty() || r.nextBoolean() ? null : deps.get(r.nextInt(deps.size())).name());
            if (!allow.contains(rule)) {
                allow.add(rule);
            }
        }
        if (r.nextInt(4) == 0) {
            allow.add(new AllowRule(Direction.INGRESS, Protocol.ICMP, null, null, null, null));
        }
        return new Security(maybe(() -> pick(Action.values())), maybe(() -> allow),
                maybe(() -> new Limits(maybe(() -> 1 + r.nextInt(10_000)), maybe(() -> 1 + r.nextInt(1_000)))),
                maybe(r::nextBoolean));
    }

    private Adaptation adaptation() {
        return new Adaptation(maybe(() -> 1 + r.nextDouble() * 500), maybe(() -> 0.1 + r.nextDouble() * 10),
                maybe(() -> Duration.ofMillis(1_000 + r.nextInt(600_000))), maybe(() -> Duration.ofSeconds(r.nextInt(3_600))),
                maybe(() -> pick(AdaptationMode.values())));
    }

    private Evidence evidence() {
        return new Evidence("cap-" + r.nextInt(100) + ".pcap", Instant.ofEpochSecond(1_790_000_000L + r.nextInt(1_000_000)),
                Duration.ofSeconds(1 + r.nextInt(600)), (long) r.nextInt(1_000_000), (long) r.nextInt(1_000_000_000),
                (long) r.nextInt(1000), new Evidence.Rates(Rate.parse("2.6Mbit"), Rate.parse("3.1Mbit"), null, null),
                r.nextDouble(), Map.of("spec.mtu", "path MTU seen: 1400"));
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[r.nextInt(options.length)];
    }

    private <T> T maybe(java.util.function.Supplier<T> s) {
        return r.nextInt(3) == 0 ? null : s.get();
    }
}
