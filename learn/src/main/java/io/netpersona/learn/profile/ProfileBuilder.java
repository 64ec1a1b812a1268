package io.netpersona.learn.profile;

import io.netpersona.learn.Flow;
import io.netpersona.learn.PacketListener;
import io.netpersona.learn.classify.FlowClassifier;
import io.netpersona.learn.classify.Verdict;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Builds an application's {@link Profile} from the flows of one or more captures: hand it every flow
 * ({@link #accept}) and every packet ({@link #packets()}, for the per-second rates), then {@link #build()}.
 *
 * <p>Memory is bounded: flows are folded, as they end, into conversations (one client address, one server
 * endpoint), at most {@link #MAX_CONVERSATIONS} of them; past that, a flow to a server already known counts
 * toward that server's "other clients", and a flow to a new server (more likely a dependency) still gets a
 * conversation of its own, up to twice the limit. The address matrix keeps {@link #MAX_PAIRS} pairs.
 *
 * <p>Every flow is classified once, as it arrives; only the classes of the application's flows count.
 */
public final class ProfileBuilder implements Consumer<Flow> {
    public static final int MAX_CONVERSATIONS = 16_384, MAX_PAIRS = 4_096;

    private final Selection selection;
    private final FlowClassifier classifier;
    private final RateMeter rates = new RateMeter();
    private final Map<Conversation.Key, Conversation> conversations = new HashMap<>();
    private final Set<ServerKey> servers = new java.util.HashSet<>();
    private final Map<Pair, long[]> pairs = new HashMap<>();
    private final Set<String> captures = new LinkedHashSet<>();
    private long first = Long.MAX_VALUE, last = Long.MIN_VALUE, allFlows;
    private String namespace;
    private Set<InetAddress> namespaceAddresses = Set.of();

    private record ServerKey(int protocol, InetAddress server, int port) {
    }

    private record Pair(InetAddress a, InetAddress b) {
    }

    public ProfileBuilder(Selection selection, FlowClassifier classifier) {
        this.selection = Objects.requireNonNull(selection, "selection");
        this.classifier = Objects.requireNonNull(classifier, "classifier");
    }

    /**
     * Says that the capture was taken inside the application's own network namespace, whose addresses these
     * are: without --app-port or --app-ip, the application is then every one of them (a server that answers
     * on one interface and reaches its database through another is one application), not the dominant server.
     */
    public ProfileBuilder inNamespace(String netns, Collection<InetAddress> addresses) {
        this.namespace = Objects.requireNonNull(netns, "netns");
        this.namespaceAddresses = Set.copyOf(addresses);
        return this;
    }

    /** The listener the flow meter must call for each packet (for bytes per second). */
    public PacketListener packets() {
        return rates;
    }

    @Override
    public void accept(Flow f) {
        allFlows++;
        captures.add(f.capture());
        first = Math.min(first, f.firstNanos());
        last = Math.max(last, f.lastNanos());
        boolean dstIsServer = ServerSide.isDst(f);
        InetAddress server = dstIsServer ? f.dstAddress() : f.srcAddress();
        InetAddress client = dstIsServer ? f.srcAddress() : f.dstAddress();
        int port = dstIsServer ? f.dstPort() : f.srcPort();
        Verdict v = classifier.classify(f);
        conversation(f.protocol(), server, port, client).add(f, dstIsServer, v == null ? Verdict.UNKNOWN : v);
        matrix(f);
    }

    private Conversation conversation(int protocol, InetAddress server, int port, InetAddress client) {
        Conversation.Key key = new Conversation.Key(protocol, server, port, client);
        Conversation c = conversations.get(key);
        if (c != null) {
            return c;
        }
        ServerKey sk = new ServerKey(protocol, server, port);
        boolean knownServer = servers.contains(sk);
        if (conversations.size() >= MAX_CONVERSATIONS && (knownServer || conversations.size() >= 2 * MAX_CONVERSATIONS)) {
            key = new Conversation.Key(protocol, server, port, null);
            c = conversations.get(key);
            if (c != null) {
                return c;
            }
        }
        servers.add(sk);
        c = new Conversation(key);
        conversations.put(key, c);
        return c;
    }

    private void matrix(Flow f) {
        InetAddress a = f.srcAddress(), b = f.dstAddress();
        boolean swap = Address.compare(a, b) > 0;
        Pair key = swap ? new Pair(b, a) : new Pair(a, b);
        long[] v = pairs.get(key);
        if (v == null) {
            if (pairs.size() >= MAX_PAIRS) {
                return;
            }
            v = new long[2];
            pairs.put(key, v);
        }
        v[swap ? 1 : 0] += f.forward().bytes();
        v[swap ? 0 : 1] += f.backward().bytes();
    }

    /**
     * The profile of everything accepted so far.
     *
     * @throws ProfileException when there were no flows, or the selection matches no traffic (the message
     *     lists the servers that were seen)
     */
    public Profile build() {
        if (allFlows == 0) {
            throw new ProfileException("no flows to learn from: the capture" + (captures.size() == 1 ? " holds" : "s hold")
                    + " no IP traffic");
        }
        Chosen chosen = choose();
        Set<InetAddress> app = chosen.addresses;
        List<Conversation> served = new ArrayList<>(), opened = new ArrayList<>();
        for (Conversation c : conversations.values()) {
            boolean clientIsApp = c.key.client() != null && app.contains(c.key.client());
            if (chosen.serves(c) && !clientIsApp) {
                served.add(c);
            } else if (clientIsApp && !app.contains(c.key.server())) {
                opened.add(c);
            }
        }
        long appBytes = 0, appPackets = 0, appFlows = 0;
        for (List<Conversation> list : List.of(served, opened)) {
            for (Conversation c : list) {
                appBytes += c.bytes();
                appPackets += c.packets();
                appFlows += c.flows;
            }
        }
        InetAddress busiest = null;
        RateMeter.Rates best = RateMeter.Rates.NONE;
        for (InetAddress a : app) {
            RateMeter.Rates r = rates.rates(a);
            if (busiest == null || r.bytes() > best.bytes()) {
                busiest = a;
                best = r;
            }
        }
        List<Profile.MatrixEntry> matrix = pairs.entrySet().stream()
                .map(e -> new Profile.MatrixEntry(e.getKey().a(), e.getKey().b(), e.getValue()[0], e.getValue()[1]))
                .sorted(Comparator.comparingLong(Profile.MatrixEntry::bytes).reversed()).toList();
        Set<InetAddress> clients = new java.util.HashSet<>();
        int mostAtOnce = 0;
        Map<Long, Integer> openedPerSecond = new HashMap<>();
        for (Conversation c : served) {
            if (c.key.client() != null) {
                clients.add(c.key.client());
                mostAtOnce = Math.max(mostAtOnce, c.mostOpenAtOnce());
            }
            c.opened.forEach((s, n) -> openedPerSecond.merge(s, n, Integer::sum));
        }
        int peakOpened = openedPerSecond.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return new Profile(List.copyOf(captures), first, last, List.copyOf(app), chosen.reason, appPackets, appBytes,
                appFlows, Votes.served(served), new Peers(first, last, appBytes).of(opened), matrix,
                Topologies.fit(matrix, app), best, busiest, Votes.application(served, opened), peakOpened, mostAtOnce,
                clients.size());
    }

    /** The application's addresses and which of their endpoints are its own. */
    private record Chosen(Set<InetAddress> addresses, List<Selection.Port> ports, String reason) {
        boolean serves(Conversation c) {
            if (!addresses.contains(c.key.server())) {
                return false;
            }
            return ports.isEmpty() || ports.stream().anyMatch(p -> p.matches(c.key.protocol(), c.key.port()));
        }
    }

    private Chosen choose() {
        if (!selection.ports().isEmpty()) {
            Set<InetAddress> addresses = new LinkedHashSet<>();
            for (Conversation c : byBytes()) {
                boolean onAddress = selection.addresses().isEmpty() || selection.addresses().contains(c.key.server());
                if (onAddress && selection.ports().stream().anyMatch(p -> p.matches(c.key.protocol(), c.key.port()))) {
                    addresses.add(c.key.server());
                }
            }
            if (addresses.isEmpty()) {
                throw new ProfileException("no server on " + text(selection.ports())
                        + (selection.addresses().isEmpty() ? "" : " at " + Address.text(selection.addresses()))
                        + " in the capture; servers seen: " + serversSeen());
            }
            return new Chosen(addresses, selection.ports(), "--app-port " + text(selection.ports()) + ": served by "
                    + Address.text(addresses));
        }
        if (!selection.addresses().isEmpty()) {
            Set<InetAddress> addresses = new LinkedHashSet<>(selection.addresses());
            boolean seen = conversations.keySet().stream()
                    .anyMatch(k -> addresses.contains(k.server()) || addresses.contains(k.client()));
            if (!seen) {
                throw new ProfileException("no traffic of " + Address.text(addresses) + " in the capture; servers seen: "
                        + serversSeen());
            }
            return new Chosen(addresses, List.of(), "--app-ip " + Address.text(addresses));
        }
        if (namespace != null && !namespaceAddresses.isEmpty()) {
            Set<InetAddress> addresses = new java.util.TreeSet<>(Address::compare);
            addresses.addAll(namespaceAddresses);
            boolean seen = conversations.keySet().stream()
                    .anyMatch(k -> addresses.contains(k.server()) || addresses.contains(k.client()));
            if (!seen) {
                throw new ProfileException("no traffic of namespace " + namespace + " (" + Address.text(addresses)
                        + ") in the capture; servers seen: " + serversSeen());
            }
            return new Chosen(new LinkedHashSet<>(addresses), List.of(), "everything in the application's namespace "
                    + namespace + ": its addresses " + Address.text(addresses));
        }
        return dominant();
    }

    /** The server address whose served endpoints carried the most bytes (to clients other than itself). */
    private Chosen dominant() {
        Map<InetAddress, Long> bytes = new HashMap<>();
        Map<InetAddress, Set<String>> ports = new HashMap<>();
        long all = 0;
        for (Conversation c : conversations.values()) {
            if (c.key.server().equals(c.key.client())) {
                continue;
            }
            bytes.merge(c.key.server(), c.bytes(), Long::sum);
            ports.computeIfAbsent(c.key.server(), k -> new java.util.TreeSet<>()).add(Address.endpoint(c.key.protocol(), c.key.port()));
            all += c.bytes();
        }
        List<Map.Entry<InetAddress, Long>> ranked = bytes.entrySet().stream()
                .sorted(Map.Entry.<InetAddress, Long>comparingByValue().reversed()
                        .thenComparing(e -> e.getKey().getHostAddress())).toList();
        if (ranked.isEmpty()) {
            throw new ProfileException("no server in the capture: every flow stays on one address");
        }
        InetAddress top = ranked.getFirst().getKey();
        String reason = "the capture's dominant server: " + Address.text(top) + " served "
                + Address.percent(ranked.getFirst().getValue(), all) + " of the bytes of all servers ("
                + String.join(", ", limit(ports.get(top), 5)) + ")";
        if (ranked.size() > 1) {
            reason += "; the next, " + Address.text(ranked.get(1).getKey()) + ", " + Address.percent(ranked.get(1).getValue(), all);
        }
        return new Chosen(Set.of(top), List.of(), reason);
    }

    private List<Conversation> byBytes() {
        return conversations.values().stream().sorted(Comparator.comparingLong(Conversation::bytes).reversed()).toList();
    }

    private String serversSeen() {
        Map<String, Long> byServer = new LinkedHashMap<>();
        for (Conversation c : byBytes()) {
            byServer.merge(Address.endpoint(c.key.protocol(), c.key.port()) + " on " + Address.text(c.key.server()), c.bytes(), Long::sum);
        }
        List<String> top = byServer.keySet().stream().limit(8).toList();
        return top.isEmpty() ? "none" : String.join(", ", top) + (byServer.size() > 8 ? ", ..." : "");
    }

    private static List<String> limit(Set<String> s, int n) {
        List<String> l = new ArrayList<>(s).subList(0, Math.min(n, s.size()));
        if (s.size() > n) {
            l = new ArrayList<>(l);
            l.add("...");
        }
        return l;
    }

    private static String text(List<Selection.Port> ports) {
        return String.join(", ", ports.stream().map(Selection.Port::toString).toList());
    }
}
