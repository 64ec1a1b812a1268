package io.netpersona.substrate.linux;

import io.netpersona.substrate.Metrics;
import io.netpersona.substrate.linux.netlink.Link;
import io.netpersona.substrate.linux.netlink.NetlinkException;
import io.netpersona.substrate.linux.netlink.NetlinkReader;
import io.netpersona.substrate.linux.netlink.NoSuchNamespaceException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The kernel's state as JSON, read at most once per scope and question during one observation: links,
 * addresses, routes, rules, qdiscs and classes per device, nftables tables. Everything the driver reads
 * goes through here, so an observation costs a handful of processes, not one per resource.
 */
final class HostView {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private final Commands commands;
    private final Map<String, JsonNode> cache = new java.util.concurrent.ConcurrentHashMap<>();
    /** Listings of nft tables kept from earlier views, or null: this view lists every table it reads. */
    private final NftSnapshots snapshots;

    HostView(Commands commands) {
        this(commands, null);
    }

    /**
     * A view that takes a table's listing from {@code snapshots} while its namespace's ruleset generation
     * is the one it was listed at, and leaves there what it lists: for reads of state (plans and applies),
     * never for metrics, since counters change without a new generation.
     */
    HostView(Commands commands, NftSnapshots snapshots) {
        this.commands = commands;
        this.snapshots = snapshots;
    }

    /** A read a kind will need, to make ahead of time together with others ({@link #prefetch}). */
    sealed interface Read {
        /** The namespace read ("" for the machine's own). */
        String scope();

        record Qdiscs(String scope, String device) implements Read {}

        record Classes(String scope, String device) implements Read {}

        record NftIndexed(String scope, String family, String table) implements Read {}

        record Sockets(String scope) implements Read {}

        record LinkStats(String scope) implements Read {}

        record Addresses(String scope) implements Read {}

        /** The counters of a device's qdiscs and classes, for queue metrics. */
        record Queues(String scope, String device) implements Read {}
    }

    /**
     * Makes these reads at once, each in its own thread: a thousand personas' keys need a handful of
     * processes, and waiting for them one after the other is most of an apply's reading time.
     */
    void prefetch(java.util.Collection<Read> reads) {
        List<Runnable> work = new java.util.ArrayList<>();
        for (Read r : new java.util.LinkedHashSet<>(reads)) {
            if (r instanceof Read.Queues q) {
                // a device's classes and its qdiscs in two dumps at once: a thousand personas' are a thousand of
                // each, read back while the apply waits
                work.add(() -> queueClasses(q.scope(), q.device()));
                work.add(() -> queueQdiscs(q.scope(), q.device()));
                continue;
            }
            work.add(() -> {
                switch (r) {
                    case Read.Qdiscs q -> qdiscs(q.scope(), q.device());
                    case Read.Classes c -> classes(c.scope(), c.device());
                    case Read.NftIndexed n -> nftIndex(n.scope(), n.family(), n.table());
                    case Read.Sockets so -> tcpSockets(so.scope());
                    case Read.LinkStats l -> linkStats(l.scope());
                    case Read.Addresses a -> addresses(a.scope());
                    case Read.Queues q -> throw new IllegalStateException("read above");
                }
            });
        }
        Concurrently.runAll(work);
    }

    Commands commands() {
        return commands;
    }

    /** Whether a network namespace of that name exists (the host's own scope always does). */
    boolean namespaceExists(String scope) {
        return scope.isEmpty() || java.nio.file.Files.exists(java.nio.file.Path.of("/run/netns", scope));
    }

    JsonNode links(String scope) {
        return read("links " + scope, () -> commands.run(Commands.ip(scope, "-j", "-d", "link", "show"), null));
    }

    /**
     * A device's classes with their counters (handle, parent, bytes, packets, drops, overlimits, requeues,
     * backlog, qlen) and their configuration as the kernel holds it ({@link NetlinkViews#CONFIG}), over
     * netlink when this host can, else {@link #classes}: for metrics and fingerprints; options in tc's
     * words (rates, bursts) come from {@link #classes} only.
     */
    JsonNode queueClasses(String scope, String device) {
        return tcCounters("qclass " + scope + " " + device, scope, device, false, () -> classes(scope, device));
    }

    /** A device's qdiscs with their counters, as {@link #queueClasses}; else {@link #qdiscs}. */
    JsonNode queueQdiscs(String scope, String device) {
        return tcCounters("qqdisc " + scope + " " + device, scope, device, true, () -> qdiscs(scope, device));
    }

    private JsonNode tcCounters(String key, String scope, String device, boolean qdiscs, Supplier<JsonNode> process) {
        JsonNode n = cache.get(key);
        if (n != null) {
            return n;
        }
        n = overNetlink(nl -> {
            java.util.OptionalInt dev = deviceIndex(nl, scope, device);
            return dev.isEmpty() ? JsonNodeFactory.instance.arrayNode() // as tc's failure on a missing device reads
                    : qdiscs ? NetlinkViews.tc(nl.qdiscs(scope, dev.getAsInt()), false)
                    : NetlinkViews.tc(nl.classes(scope, dev.getAsInt()), true);
        }, JsonNodeFactory.instance.arrayNode());
        // not inside computeIfAbsent: the fallback is a read of this same cache
        JsonNode prior = cache.putIfAbsent(key, n != null ? n : process.get());
        return prior != null ? prior : cache.get(key);
    }

    private final Map<String, java.util.OptionalInt> deviceIndexes = new java.util.concurrent.ConcurrentHashMap<>();

    /** A device's index, from the link dump this view made already, else by its name alone (once per view). */
    private java.util.OptionalInt deviceIndex(NetlinkReader nl, String scope, String device) {
        List<Link> dumped = netlinkLinks.get(scope);
        if (dumped != null) {
            return dumped.stream().filter(l -> l.name().equals(device)).mapToInt(Link::index).findFirst();
        }
        return deviceIndexes.computeIfAbsent(scope + " " + device, k -> nl.linkIndex(scope, device));
    }

    /**
     * The devices with the fields of {@code ip -j -d link show} that do not need their kind (name, flags, MTU
     * and its range, link type, address), over netlink when this host can: for readers that ask whether a
     * device is there, up, or takes an MTU. {@link #links} has the kinds (linkinfo) and always runs ip.
     */
    JsonNode devices(String scope) {
        String key = "devices " + scope;
        JsonNode n = cache.get(key);
        if (n != null) {
            return n;
        }
        n = overNetlink(nl -> NetlinkViews.devices(netlinkLinks(nl, scope)), JsonNodeFactory.instance.arrayNode());
        // not inside computeIfAbsent: the fallback is a read of this same cache
        JsonNode prior = cache.putIfAbsent(key, n != null ? n : links(scope));
        return prior != null ? prior : cache.get(key);
    }

    /** {@code ip -j addr show}: over netlink when this host can, else the process. */
    JsonNode addresses(String scope) {
        return cache.computeIfAbsent("addr " + scope, k -> kernel(scope,
                nl -> NetlinkViews.addresses(netlinkLinks(nl, scope), nl.addresses(scope)),
                () -> commands.run(Commands.ip(scope, "-j", "addr", "show"), null)));
    }

    /** The ids this namespace gives the namespaces its devices' peers live in ({@code ip -j netns list-id}). */
    JsonNode netnsIds(String scope) {
        return read("nsids " + scope, () -> commands.run(Commands.ip(scope, "-j", "netns", "list-id"), null));
    }

    JsonNode routes(String scope, String family) {
        return read("routes " + family + scope, () -> commands.run(
                Commands.ip(scope, family, "-j", "-d", "route", "show", "table", "all"), null));
    }

    /**
     * The routes as {@code ip -d route show table all} prints them: the only form that says which route
     * metrics are locked ({@code mtu lock 1300}), which the JSON leaves out.
     */
    String routesText(String scope, String family) {
        JsonNode n = read("routetext " + family + scope, () -> asJsonString(commands.run(
                Commands.ip(scope, family, "-d", "route", "show", "table", "all"), null)));
        return n.isString() ? n.stringValue() : "";
    }

    /** A sysctl's value in a namespace ({@code ip netns exec NS sysctl -n KEY}), or empty when there is no such key. */
    Optional<String> sysctl(String scope, String key) {
        List<String> argv = new java.util.ArrayList<>();
        if (!scope.isEmpty()) {
            argv.addAll(List.of("ip", "netns", "exec", scope));
        }
        argv.addAll(List.of("sysctl", "-n", key));
        JsonNode n = read("sysctl " + scope + " " + key, () -> asJsonString(commands.run(argv, null)));
        return n.isString() ? Optional.of(n.stringValue().strip()) : Optional.empty();
    }

    JsonNode rules(String scope, String family) {
        return read("rules " + family + scope, () -> commands.run(Commands.ip(scope, family, "-j", "rule", "show"), null));
    }

    JsonNode qdiscs(String scope, String device) {
        return read("qdisc " + scope + " " + device, () -> commands.run(
                Commands.tc(scope, "-s", "-j", "qdisc", "show", "dev", device), null));
    }

    /**
     * The classes of a device with their counters. iproute2 6.1 prints classes as text even with -j, so the
     * text is read into JSON of the same shape (see {@link TcText}).
     */
    JsonNode classes(String scope, String device) {
        return cache.computeIfAbsent("class " + scope + " " + device, k -> {
            Commands.Result r = commands.run(Commands.tc(scope, "-s", "class", "show", "dev", device), null);
            return r.ok() ? TcText.classes(r.stdout()) : JsonNodeFactory.instance.arrayNode();
        });
    }

    JsonNode filters(String scope, String device, String parent) {
        return read("filter " + scope + " " + device + " " + parent, () -> commands.run(
                Commands.tc(scope, "-j", "filter", "show", "dev", device, "parent", parent), null));
    }

    /** The text listing of one nftables table, or empty when it does not exist. */
    Optional<String> nftTable(String scope, String family, String table) {
        return listing(scope, family, table).text();
    }

    /** What nft says when asked to list a table that does not exist (its errno, ENOENT). */
    private static final String NO_SUCH_TABLE = "No such file or directory";
    private final Map<String, NftSnapshots.Listing> tables = new java.util.concurrent.ConcurrentHashMap<>();

    /** One table's listing, made once per view (or kept from an earlier one, see {@link #HostView(Commands, NftSnapshots)}). */
    private NftSnapshots.Listing listing(String scope, String family, String table) {
        return tables.computeIfAbsent(scope + " " + family + " " + table, key -> {
            // the generation before the listing: a change between the two leaves a snapshot that is never used
            Long generation = snapshots == null ? null : overNetlink(nl -> nl.nftGeneration(scope), null);
            if (generation != null) {
                Optional<NftSnapshots.Listing> kept = snapshots.get(key, generation);
                if (kept.isPresent()) {
                    return kept.get();
                }
            }
            Commands.Result r = commands.run(Commands.nft(scope, "list", "table", family, table), null);
            NftSnapshots.Listing fresh = new NftSnapshots.Listing(r.ok() ? Optional.of(r.stdout()) : Optional.empty());
            // a table that is not there is kept as such; another failure may pass: list again next time
            if (generation != null && (r.ok() || r.stderr().contains(NO_SUCH_TABLE))) {
                snapshots.put(key, generation, fresh);
            }
            return fresh;
        });
    }

    /** The named counter objects of a table ({@code nft -j list counters table}), or an empty array. */
    JsonNode nftCounters(String scope, String family, String table) {
        return read("nftc " + scope + " " + family + " " + table,
                () -> commands.run(Commands.nft(scope, "-j", "list", "counters", "table", family, table), null));
    }

    /** Devices with their counters ({@code ip -s -j link}: stats64 per device), over netlink when this host can. */
    JsonNode linkStats(String scope) {
        return cache.computeIfAbsent("linkstats " + scope, k -> kernel(scope,
                nl -> NetlinkViews.links(netlinkLinks(nl, scope)),
                () -> commands.run(Commands.ip(scope, "-s", "-j", "link", "show"), null)));
    }

    private final Map<String, List<Metrics.TcpSocket>> sockets = new java.util.concurrent.ConcurrentHashMap<>();

    /** The TCP sockets of a namespace with their kernel state, as {@code ss -tinH} shows them. */
    List<Metrics.TcpSocket> tcpSockets(String scope) {
        return sockets.computeIfAbsent(scope, k -> {
            List<Metrics.TcpSocket> l = overNetlink(nl -> NetlinkViews.sockets(nl.tcpSockets(scope), index -> deviceName(scope, index)),
                    List.of());
            if (l != null) {
                return l;
            }
            Commands.Result r = commands.run(Commands.ss(scope, "-t", "-i", "-n", "-H"), null);
            return r.ok() ? TcpInfoParser.parse(r.stdout()) : List.of();
        });
    }

    /** A read made over netlink when {@link Commands#netlink()} offers it, else by the process (see {@link #overNetlink}). */
    private JsonNode kernel(String scope, java.util.function.Function<NetlinkReader, JsonNode> netlink,
            Supplier<Commands.Result> process) {
        JsonNode n = overNetlink(netlink, JsonNodeFactory.instance.arrayNode());
        return n != null ? n : parsed(process.get());
    }

    /**
     * A read over netlink, or {@code null} when the process must read it instead (no netlink here, or a
     * netlink failure of any kind but one: the process reads the same thing, or says why not); a namespace
     * that does not exist reads as {@code absent}, as the process's failure does.
     */
    private <T> T overNetlink(java.util.function.Function<NetlinkReader, T> read, T absent) {
        Optional<NetlinkReader> nl = commands.netlink();
        if (nl.isEmpty()) {
            return null;
        }
        try {
            return read.apply(nl.get());
        } catch (NoSuchNamespaceException e) {
            return absent;
        } catch (NetlinkException e) {
            return null;
        }
    }

    private final Map<String, List<Link>> netlinkLinks = new java.util.concurrent.ConcurrentHashMap<>();

    /** One link dump per scope and view, shared by the device counters and the addresses. */
    private List<Link> netlinkLinks(NetlinkReader nl, String scope) {
        List<Link> l = netlinkLinks.get(scope);
        if (l == null) {
            l = nl.links(scope);
            netlinkLinks.putIfAbsent(scope, l);
        }
        return l;
    }

    /** A device's name by its index, for a socket bound to a device (ss prints {@code addr%dev:port}). */
    private String deviceName(String scope, int index) {
        for (JsonNode l : linkStats(scope)) {
            if (l.path("ifindex").asInt() == index) {
                return l.path("ifname").asString();
            }
        }
        return Integer.toString(index);
    }

    /** A successful command's text output as a JSON string, so that it shares the cache with the JSON reads. */
    private static Commands.Result asJsonString(Commands.Result r) {
        return r.ok() ? new Commands.Result(r.argv(), 0, JSON.writeValueAsString(r.stdout()), "") : r;
    }

    /** One table's members, parsed once per listing (the host's shared table is read for every persona). */
    Optional<Map<String, NftListing.Member>> nftMembers(String scope, String family, String table) {
        return listing(scope, family, table).members();
    }

    /** One table's members with their lookups ({@link NftIndex}), built once per listing. */
    Optional<NftIndex> nftIndex(String scope, String family, String table) {
        return listing(scope, family, table).index();
    }

    private JsonNode read(String key, Supplier<Commands.Result> run) {
        return cache.computeIfAbsent(key, k -> parsed(run.get()));
    }

    private static JsonNode parsed(Commands.Result r) {
        if (!r.ok() || r.stdout().isBlank()) {
            return JsonNodeFactory.instance.arrayNode(); // a device or table that does not exist
        }
        JsonNode n = JSON.readTree(r.stdout());
        return n == null ? JsonNodeFactory.instance.arrayNode() : n;
    }

    private final Map<JsonNode, Map<String, Map<String, JsonNode>>> lookups = java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

    /**
     * The first element of a JSON array this view read whose {@code field} equals {@code value}: through an
     * index built once per array and field, since a host with a thousand classes is asked for each of them.
     */
    Optional<JsonNode> find(JsonNode array, String field, String value) {
        Map<String, JsonNode> index = lookups.computeIfAbsent(array, a -> new java.util.concurrent.ConcurrentHashMap<>()).computeIfAbsent(field, f -> {
            Map<String, JsonNode> m = new HashMap<>();
            for (JsonNode n : array) {
                String v = n.path(f).asString(null);
                if (v != null) {
                    m.putIfAbsent(v, n);
                }
            }
            return m;
        });
        return Optional.ofNullable(index.get(value));
    }
}
