package io.netpersona.substrate.linux.netlink;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads devices, addresses and TCP sockets of a network namespace over netlink, without starting a
 * process: what {@code ip -s -j link}, {@code ip -j addr} and {@code ss -tin} print, as records. A
 * namespace is named as {@code ip -n} names it ("" is the caller's own); its sockets are made once and
 * reused (see {@link Namespaces} for how, and for why they are closed when the namespace goes away).
 * Safe for use from many threads; reads of one namespace's sockets take turns.
 *
 * <p>Reading another namespace needs CAP_SYS_ADMIN (root), as {@code ip -n} does; the FFM calls need
 * native access ({@code --enable-native-access=ALL-UNNAMED}, or a warning on stderr).
 */
public final class NetlinkReader implements AutoCloseable {
    /** {@code -Dnetpersona.netlink=off} makes {@link #shared()} empty: every read is a process again. */
    public static final String SWITCH = "netpersona.netlink";
    private static final Object LOCK = new Object();
    private static volatile Optional<NetlinkReader> shared;
    private static volatile String unavailable = "";

    private final Namespaces namespaces = new Namespaces();

    private NetlinkReader() {}

    /**
     * A reader of one's own (tests; close it), made and tried on the caller's own namespace.
     *
     * @throws NetlinkException, or an {@link Error} or {@link RuntimeException} of the FFM API, when this JVM
     *     or kernel cannot read netlink (no native access, no such C functions)
     */
    public static NetlinkReader open() {
        NetlinkReader r = new NetlinkReader();
        try {
            r.links("");
            return r;
        } catch (RuntimeException | Error e) {
            r.close();
            throw e;
        }
    }

    /**
     * The reader this JVM shares (it lives as long as the JVM), or empty when netlink cannot be read here
     * ({@link #unavailabilityCause()} says why) or is switched off with {@link #SWITCH}.
     */
    public static Optional<NetlinkReader> shared() {
        Optional<NetlinkReader> s = shared;
        if (s == null) {
            synchronized (LOCK) {
                s = shared;
                if (s == null) {
                    s = probe();
                    shared = s;
                }
            }
        }
        return s;
    }

    private static Optional<NetlinkReader> probe() {
        if ("off".equals(System.getProperty(SWITCH))) {
            unavailable = "switched off (-D" + SWITCH + "=off)";
            return Optional.empty();
        }
        try {
            return Optional.of(open());
        } catch (RuntimeException | Error e) { // IllegalCallerException without native access, UnsatisfiedLinkError ...
            unavailable = e.toString();
            return Optional.empty();
        }
    }

    /** Why {@link #shared()} is empty ("" when it is not, or has not been asked yet). */
    public static String unavailabilityCause() {
        return unavailable;
    }

    /** Every device with its counters ({@code ip -s link show}). */
    public List<Link> links(String netns) {
        return dump(netns, e -> e.route, Messages.RTM_GETLINK, Messages.linkRequest(), Messages.RTM_NEWLINK, Messages::link);
    }

    private static final int ENODEV = 19;

    /**
     * The index of one device by its name, or empty when the namespace has none of that name: one request
     * answered with one device, where a dump of a host's thousand devices takes milliseconds to make and read.
     */
    public java.util.OptionalInt linkIndex(String netns, String name) {
        for (int attempt = 0; ; attempt++) {
            try {
                List<ByteBuffer> answer = namespaces.sockets(netns).route.ask(Messages.RTM_GETLINK, Messages.linkRequest(name),
                        Messages.RTM_NEWLINK);
                if (answer.size() != 1) {
                    throw new NetlinkException("expected one device named " + name + ", got " + answer.size());
                }
                return java.util.OptionalInt.of(Messages.link(answer.getFirst()).index());
            } catch (Channel.Closed closed) {
                // swept as idle between lookup and use: look it up again
                if (attempt == 2) {
                    throw new NetlinkException("netlink sockets of " + netns + " kept closing under the reader");
                }
            } catch (NetlinkException e) {
                if (e.errno() == ENODEV) {
                    return java.util.OptionalInt.empty();
                }
                throw e;
            }
        }
    }

    /** Every address of every device, IPv4 before IPv6 ({@code ip addr show}). */
    public List<Address> addresses(String netns) {
        return dump(netns, e -> e.route, Messages.RTM_GETADDR, Messages.addressRequest(), Messages.RTM_NEWADDR, Messages::address);
    }

    /** The qdiscs of the device of this index, with their counters ({@code tc -s qdisc show dev D}). */
    public List<TcObject> qdiscs(String netns, int index) {
        return dump(netns, e -> e.route, Messages.RTM_GETQDISC, Messages.tcRequest(index), Messages.RTM_NEWQDISC,
                Messages::tc).stream().filter(q -> q.index() == index).toList();
    }

    /** The classes of the device of this index, with their counters ({@code tc -s class show dev D}). */
    public List<TcObject> classes(String netns, int index) {
        return dump(netns, e -> e.route, Messages.RTM_GETTCLASS, Messages.tcRequest(index), Messages.RTM_NEWTCLASS,
                Messages::tc);
    }

    /**
     * The nf_tables ruleset generation of a namespace: every committed change of any table there makes it
     * another number (what the data path does, counters and dynamic sets' elements, does not).
     */
    public long nftGeneration(String netns) {
        List<Long> g = exchange(netns, Namespaces.Entry::netfilter, Messages.NFT_GETGEN, Messages.generationRequest(),
                Messages.NFT_NEWGEN, Messages::generation, false);
        if (g.size() != 1) {
            throw new NetlinkException("expected one nf_tables generation message, got " + g.size());
        }
        return g.getFirst();
    }

    /** Why a request of {@link #tc} failed: its position in the list, and the kernel's errno and words. */
    public record Refused(int index, String reason) {}

    /**
     * Sends these tc requests to a namespace in order, as {@code tc -batch} would, in few datagrams; with
     * {@code force}, all of them whatever fails (as {@code tc -force}), else none after the datagram of the
     * first refusal. The first refusal, if any. A device that does not exist is refused as tc refuses it.
     */
    public Optional<Refused> tc(String netns, List<TcRequest> requests, boolean force) {
        java.util.Map<String, Integer> index = new java.util.HashMap<>();
        for (TcRequest r : requests) {
            if (!index.containsKey(r.device())) {
                java.util.OptionalInt i = linkIndex(netns, r.device());
                index.put(r.device(), i.isPresent() ? i.getAsInt() : null);
            }
        }
        List<int[]> headers = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        Refused missing = null;
        for (int i = 0; i < requests.size() && (missing == null || force); i++) {
            TcRequest r = requests.get(i);
            Integer dev = index.get(r.device());
            if (dev == null) {
                missing = missing != null ? missing : new Refused(i, "Cannot find device \"" + r.device() + "\"");
                continue;
            }
            headers.add(new int[] {r.type(), r.flags()});
            bodies.add(r.body(dev));
            positions.add(i);
        }
        Optional<Channel.Refusal> failed = Optional.empty();
        for (int attempt = 0; ; attempt++) {
            try {
                failed = namespaces.sockets(netns).route.transact(headers, bodies, force);
                break;
            } catch (Channel.Closed closed) {
                // swept as idle between lookup and use, before anything was sent: look it up again
                if (attempt == 2) {
                    throw new NetlinkException("netlink sockets of " + netns + " kept closing under the writer");
                }
            }
        }
        Optional<Refused> refused = failed
                .map(f -> new Refused(positions.get(f.index()), (f.message().isEmpty() ? "" : f.message() + ": ")
                        + ERRNO.getOrDefault(f.errno(), "error") + " (errno " + f.errno() + ")"));
        Refused first = missing;
        if (refused.isPresent() && (first == null || refused.get().index() < first.index())) {
            first = refused.get();
        }
        return Optional.ofNullable(first);
    }

    /**
     * Sends these commands (elements, tables, sets, chains, rules) to a namespace's nf_tables as one batch,
     * one transaction: all of them or, when the kernel refuses one, none. The first refusal names the command
     * (its index in the list; 0 when the kernel refused the batch as a whole) with the kernel's errno and words.
     */
    public Optional<Refused> nft(String netns, List<? extends NftCommand> commands) {
        List<int[]> headers = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            for (NftCommand.Message m : commands.get(i).requests()) {
                headers.add(new int[] {m.type(), m.flags()});
                bodies.add(m.body());
                positions.add(i);
            }
        }
        if (bodies.isEmpty()) {
            return Optional.empty();
        }
        for (int attempt = 0; ; attempt++) {
            try {
                return namespaces.sockets(netns).netfilter().batch(headers, bodies)
                        .map(f -> new Refused(f.index() < 0 ? 0 : positions.get(f.index()), (f.message().isEmpty() ? ""
                                : f.message() + ": ") + ERRNO.getOrDefault(f.errno(), "error") + " (errno " + f.errno() + ")"));
            } catch (Channel.Closed closed) {
                // swept as idle between lookup and use, before anything was sent: look it up again
                if (attempt == 2) {
                    throw new NetlinkException("netlink sockets of " + netns + " kept closing under the writer");
                }
            }
        }
    }

    /** The words of the errnos the kernel gives tc requests, as tc prints them. */
    private static final java.util.Map<Integer, String> ERRNO = java.util.Map.of(1, "Operation not permitted",
            2, "No such file or directory", 12, "Cannot allocate memory", 16, "Device or resource busy", 17, "File exists",
            19, "No such device", 22, "Invalid argument", 95, "Operation not supported", 34, "Numerical result out of range",
            39, "Directory not empty");

    /**
     * The TCP sockets {@code ss -t} shows (every state but LISTEN, CLOSE, TIME-WAIT and SYN-RECV), IPv4
     * before IPv6, with their tcp_info and congestion control.
     */
    public List<TcpSocket> tcpSockets(String netns) {
        List<TcpSocket> out = new ArrayList<>();
        for (int family : new int[] {Messages.AF_INET, Messages.AF_INET6}) {
            out.addAll(dump(netns, e -> e.diag, Messages.SOCK_DIAG_BY_FAMILY,
                    Messages.tcpRequest(family, Messages.SS_CONN_STATES), Messages.SOCK_DIAG_BY_FAMILY, Messages::tcpSocket));
        }
        return out;
    }

    /**
     * One dump through a namespace's socket. A socket that failed is closed and made again once (it may
     * have been left with a half-read answer); a socket closed meanwhile as idle or stale, likewise.
     */
    private <T> List<T> dump(String netns, Function<Namespaces.Entry, Channel> socket, int requestType, byte[] body,
            int answerType, Function<ByteBuffer, T> parse) {
        return exchange(netns, socket, requestType, body, answerType, parse, true);
    }

    private <T> List<T> exchange(String netns, Function<Namespaces.Entry, Channel> socket, int requestType, byte[] body,
            int answerType, Function<ByteBuffer, T> parse, boolean dump) {
        NetlinkException failed = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            Namespaces.Entry e = namespaces.sockets(netns);
            Channel c = socket.apply(e); // a socket the kernel does not offer fails here, and stays failed
            try {
                List<ByteBuffer> payloads = dump ? c.dump(requestType, body, answerType) : c.ask(requestType, body, answerType);
                List<T> out = new ArrayList<>(payloads.size());
                for (ByteBuffer p : payloads) {
                    out.add(parse.apply(p));
                }
                return out;
            } catch (Channel.Closed closed) {
                // swept between lookup and use: look it up again
            } catch (NetlinkException ex) {
                namespaces.discard(netns, e);
                if (failed != null) {
                    throw ex;
                }
                failed = ex;
            }
        }
        throw failed != null ? failed : new NetlinkException("netlink sockets of " + netns + " kept closing under the reader");
    }

    /** The namespaces that have sockets open now, "" for the caller's own (tests). */
    java.util.Set<String> openNamespaces() {
        return namespaces.open();
    }

    @Override
    public void close() {
        namespaces.close();
    }
}
