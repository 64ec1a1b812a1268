package io.netpersona.lab.traffic;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A lab application to run: a role and its options, made by the factories here (which choose defaults that
 * behave like the real thing) and refined with {@link #with}. {@link #start} runs it as a process of its own,
 * inside a network namespace, for a bounded time; the process measures itself as its users would and gives
 * an {@link AppResult}.
 *
 * <ul>
 *   <li>game: {@link #gameServer} answers each input of its players with a state update; {@link #gameClients}
 *       are players sending 60 small inputs a second each (RTT, jitter and loss percentiles);
 *   <li>database: {@link #dbServer} answers short requests; {@link #dbClients} time each (latency percentiles);
 *   <li>backup: {@link #bulkServer} sends several paced bulk streams; {@link #bulkClients} receive them
 *       (throughput, mean and per second);
 *   <li>video: {@link #videoServer} sends segments; {@link #videoClients} play at a bitrate (throughput,
 *       startup delay, stalls);
 *   <li>web: {@link #webServer} answers short HTTP requests; {@link #webClients} time the first byte;
 *   <li>infrastructure: {@link #dns} (a resolver that knows one name), {@link #listen} (a port nobody should
 *       use), {@link #probe} (one connection attempt).
 * </ul>
 * Servers take {@link #dependsOn} (a database they find through DNS and query every 100 ms) and
 * {@link #listenToo} (a second port their traffic never uses, for firewall checks).
 */
public record TrafficApp(Role role, Map<String, String> options) {
    private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9-]*");
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9_.:\\[\\]-]{1,253}");
    private static final Set<String> DEPENDENCY = Set.of("peer", "peer-name", "peer-port", "dns", "listen-too");

    /** The roles, each with the options it reads. */
    public enum Role {
        GAME_SERVER("port"), GAME_CLIENTS("server", "clients", "rate"),
        DB_SERVER("port"), DB_CLIENTS("server", "clients", "rate"),
        BULK_SERVER("port", "mbit"), BULK_CLIENTS("server", "streams", "chunk-seconds"),
        VIDEO_SERVER("port"), VIDEO_CLIENTS("server", "clients", "kbit", "segment-seconds"),
        WEB_SERVER("port", "body"), WEB_CLIENTS("server", "clients", "rate", "host"),
        DNS("port", "name", "address", "bind"), LISTEN("port"), PROBE("server", "timeout-ms");

        private final Set<String> keys;

        Role(String... keys) {
            this.keys = Set.copyOf(Arrays.asList(keys));
        }

        /** As the process's first argument: {@code game-server}, ... */
        public String text() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public boolean isServer() {
            return name().endsWith("_SERVER") || this == DNS || this == LISTEN;
        }

        static Role of(String text) {
            for (Role r : values()) {
                if (r.text().equals(text)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("role " + text + " (expected one of " + Arrays.stream(values()).map(Role::text).toList() + ")");
        }
    }

    /** @throws IllegalArgumentException naming an option the role does not read, or a value that is not plain */
    public TrafficApp {
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        for (var e : options.entrySet()) {
            boolean serverExtra = role.isServer() && role != Role.DNS && DEPENDENCY.contains(e.getKey());
            if (!KEY.matcher(e.getKey()).matches() || !(role.keys.contains(e.getKey()) || serverExtra)) {
                throw new IllegalArgumentException(role.text() + ": option " + e.getKey() + " (expected one of " + role.keys
                        + (role.isServer() && role != Role.DNS ? " or " + DEPENDENCY : "") + ")");
            }
            // values become arguments of a process: plain words only, never something an option parser could take
            if (!VALUE.matcher(e.getValue()).matches() || e.getValue().startsWith("-")) {
                throw new IllegalArgumentException(role.text() + ": option " + e.getKey() + " = " + e.getValue()
                        + " (expected: letters, digits, . : _ [ ] -, not starting with -)");
            }
        }
    }

    public TrafficApp with(String key, Object value) {
        Map<String, String> o = new LinkedHashMap<>(options);
        o.put(key, String.valueOf(value));
        return new TrafficApp(role, o);
    }

    /** Runs it in {@code netns} (null: this process's namespace) for at most {@code duration}. */
    public AppProcess start(String netns, Duration duration) {
        return AppProcess.start(netns, this, duration);
    }

    public static TrafficApp gameServer(int port) {
        return of(Role.GAME_SERVER, "port", port);
    }

    public static TrafficApp gameClients(InetSocketAddress server, int players, int inputsPerSecond) {
        return of(Role.GAME_CLIENTS, "server", text(server)).with("clients", players).with("rate", inputsPerSecond);
    }

    public static TrafficApp dbServer(int port) {
        return of(Role.DB_SERVER, "port", port);
    }

    public static TrafficApp dbClients(InetSocketAddress server, int connections, int queriesPerSecond) {
        return of(Role.DB_CLIENTS, "server", text(server)).with("clients", connections).with("rate", queriesPerSecond);
    }

    /** Each stream paced at {@code mbitPerStream}. */
    public static TrafficApp bulkServer(int port, double mbitPerStream) {
        return of(Role.BULK_SERVER, "port", port).with("mbit", mbitPerStream);
    }

    public static TrafficApp bulkClients(InetSocketAddress server, int streams) {
        return of(Role.BULK_CLIENTS, "server", text(server)).with("streams", streams);
    }

    public static TrafficApp videoServer(int port) {
        return of(Role.VIDEO_SERVER, "port", port);
    }

    public static TrafficApp videoClients(InetSocketAddress server, int viewers, int kbit) {
        return of(Role.VIDEO_CLIENTS, "server", text(server)).with("clients", viewers).with("kbit", kbit);
    }

    public static TrafficApp webServer(int port) {
        return of(Role.WEB_SERVER, "port", port);
    }

    public static TrafficApp webClients(InetSocketAddress server, String host, int browsers, int requestsPerSecond) {
        return of(Role.WEB_CLIENTS, "server", text(server)).with("host", host).with("clients", browsers)
                .with("rate", requestsPerSecond);
    }

    /**
     * A resolver on udp/53 of {@code bind} that answers {@code name} with {@code address} and every other name
     * with NXDOMAIN. Bound to one address, as resolvers are, so that its answers come from the address asked.
     */
    public static TrafficApp dns(InetAddress bind, String name, InetAddress address) {
        return of(Role.DNS, "name", name).with("address", address.getHostAddress()).with("bind", bind.getHostAddress());
    }

    public static TrafficApp listen(int port) {
        return of(Role.LISTEN, "port", port);
    }

    public static TrafficApp probe(InetSocketAddress server, Duration timeout) {
        return of(Role.PROBE, "server", text(server)).with("timeout-ms", timeout.toMillis());
    }

    /** A server that finds {@code name} through the resolver at {@code dns} and queries it on {@code port}. */
    public TrafficApp dependsOn(String name, int port, InetAddress dns) {
        return with("peer-name", name).with("peer-port", port).with("dns", dns.getHostAddress());
    }

    /** A server that also listens on {@code port}, which its own traffic never uses. */
    public TrafficApp listenToo(int port) {
        return with("listen-too", port);
    }

    private static TrafficApp of(Role role, String key, Object value) {
        return new TrafficApp(role, Map.of(key, String.valueOf(value)));
    }

    static String text(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
