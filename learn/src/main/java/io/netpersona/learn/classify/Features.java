package io.netpersona.learn.classify;

import io.netpersona.learn.Distribution;
import io.netpersona.learn.Flow;
import io.netpersona.model.TrafficClass;
import java.util.ArrayList;
import java.util.List;

/**
 * A flow as the numbers the model splits on: transport and ports, hints from ports and names, sizes, timing,
 * rates and direction balance per side, TCP's flags and handshake, the first packets, the shapes of the
 * first payload bytes, and what {@link Signatures} made of the flow. Addresses and the capture's name are never features. Missing values are -1.
 *
 * <p>The order of {@link #NAMES} is part of the model file: a model names the features it was trained on,
 * and loading refuses a model whose names differ.
 */
final class Features {
    private Features() {
    }

    private static final int FIRST = 8;
    private static final String[] CLASSES = classNames();
    static final List<String> NAMES = names();

    private static String[] classNames() {
        TrafficClass[] all = TrafficClass.values();
        String[] n = new String[all.length];
        for (int i = 0; i < all.length; i++) {
            n[i] = all[i].name().toLowerCase(java.util.Locale.ROOT);
        }
        return n;
    }

    private static List<String> names() {
        List<String> n = new ArrayList<>(List.of("tcp", "udp", "icmp", "protocol", "ipv6", "tunnelled", "src_port",
                "dst_port", "low_port", "high_port", "low_port_known", "ports_ephemeral"));
        for (String c : CLASSES) {
            n.add("port_hint_" + c);
        }
        n.add("port_hint_none");
        n.addAll(List.of("has_sni", "has_http_host", "has_dns_name", "dns_query", "name_length", "name_labels",
                "name_words"));
        for (String c : CLASSES) {
            n.add("name_hint_" + c);
        }
        n.addAll(List.of("packets", "bytes", "duration_s", "bytes_per_s", "packets_per_s", "forward_byte_share",
                "forward_packet_share", "bidirectional", "payload_share", "rtt_ms", "handshake_seen"));
        for (String side : new String[] {"fwd", "bwd"}) {
            n.addAll(List.of(side + "_packets", side + "_bytes", side + "_payload", side + "_size_mean",
                    side + "_size_sd", side + "_size_min", side + "_size_max"));
            for (int i = 0; i < Distribution.BUCKETS; i++) {
                n.add(side + "_size_bucket" + i);
            }
            n.addAll(List.of(side + "_gap_mean_ms", side + "_gap_sd_ms", side + "_gap_max_ms"));
            for (int i = 0; i < Distribution.BUCKETS; i++) {
                n.add(side + "_gap_bucket" + i);
            }
            n.addAll(List.of(side + "_retransmit_share", side + "_syn", side + "_fin", side + "_rst", side + "_psh",
                    side + "_empty_share"));
            n.addAll(List.of(side + "_head_length", side + "_head0", side + "_head1", side + "_head2", side + "_head3",
                    side + "_tls", side + "_quic", side + "_stun", side + "_rtp", side + "_dns", side + "_text",
                    side + "_http", side + "_sip", side + "_banner", side + "_p2p"));
        }
        for (int i = 0; i < FIRST; i++) {
            n.add("first" + i + "_payload");
        }
        n.addAll(List.of("first_count", "first_gap1_ms", "first_gap2_ms", "first_turns", "first_payload_length"));
        for (String c : CLASSES) {
            n.add("signature_" + c);
        }
        n.addAll(List.of("signature_none", "signature_confident", "signature_tls", "signature_quic", "signature_http",
                "signature_stun", "signature_dtls", "signature_service"));
        return List.copyOf(n);
    }

    /** The features of one flow, in the order of {@link #NAMES}. */
    static float[] of(Flow f) {
        Vector v = new Vector(NAMES.size());
        boolean tcp = f.protocol() == 6, udp = f.protocol() == 17;
        v.add(tcp).add(udp).add(f.protocol() == 1 || f.protocol() == 58).add(f.protocol()).add(f.ipVersion() == 6)
                .add(f.tunnelled());
        int low = Math.min(f.srcPort(), f.dstPort()), high = Math.max(f.srcPort(), f.dstPort());
        boolean ports = tcp || udp;
        v.add(ports ? f.srcPort() : -1).add(ports ? f.dstPort() : -1).add(ports ? low : -1).add(ports ? high : -1)
                .add(ports && low < 1024).add(ports && low >= 1024);
        TrafficClass hint = portHint(f);
        for (TrafficClass c : TrafficClass.values()) {
            v.add(hint == c);
        }
        v.add(hint == null);

        Flow.Names names = f.names();
        boolean dnsFlow = !names.dnsQuery().isEmpty();
        String server = dnsFlow ? "" : names.serverName();
        double[] votes = new double[CLASSES.length];
        int words = Hints.words(server, votes);
        v.add(!names.tlsServerName().isEmpty()).add(!names.httpHost().isEmpty()).add(!names.dnsName().isEmpty())
                .add(dnsFlow).add(server.length()).add(server.isEmpty() ? 0 : server.split("\\.").length).add(words);
        for (double vote : votes) {
            v.add(vote);
        }

        double seconds = f.durationNanos() / 1e9;
        long packets = f.packets(), bytes = f.bytes();
        v.add(packets).add(bytes).add(seconds).add(seconds > 0 ? bytes / seconds : -1)
                .add(seconds > 0 ? packets / seconds : -1).add(share(f.forward().bytes(), bytes))
                .add(share(f.forward().packets(), packets)).add(f.bidirectional())
                .add(share(f.forward().payloadBytes() + f.backward().payloadBytes(), bytes))
                .add(f.rttNanos() < 0 ? -1 : f.rttNanos() / 1e6).add(f.handshake().measured());
        side(v, f, true);
        side(v, f, false);
        first(v, f);
        signature(v, Signatures.of(f));
        return v.done();
    }

    /** The hint of the destination port, else of the source port (a capture may start with the server's answer). */
    static TrafficClass portHint(Flow f) {
        TrafficClass p = Hints.protocol(f.protocol());
        if (p != null) {
            return p;
        }
        TrafficClass dst = Hints.port(f.protocol(), f.dstPort());
        if (dst != null && (f.dstPort() <= f.srcPort() || Hints.port(f.protocol(), f.srcPort()) == null)) {
            return dst;
        }
        TrafficClass src = Hints.port(f.protocol(), f.srcPort());
        return src != null ? src : dst;
    }

    private static void side(Vector v, Flow f, boolean forward) {
        Flow.Side s = forward ? f.forward() : f.backward();
        Distribution sizes = s.sizes(), gaps = s.gaps();
        v.add(s.packets()).add(s.bytes()).add(s.payloadBytes());
        if (sizes.count() > 0) {
            v.add(sizes.mean()).add(sizes.stddev()).add(sizes.min()).add(sizes.max());
        } else {
            v.add(-1).add(-1).add(-1).add(-1);
        }
        for (long c : sizes.histogram()) {
            v.add(share(c, sizes.count()));
        }
        if (gaps.count() > 0) {
            v.add(gaps.mean() / 1e6).add(gaps.stddev() / 1e6).add(gaps.max() / 1e6);
        } else {
            v.add(-1).add(-1).add(-1);
        }
        for (long c : gaps.histogram()) {
            v.add(share(c, gaps.count()));
        }
        int flags = s.tcpFlags();
        long empty = 0;
        for (Flow.FirstPacket p : f.firstPackets()) {
            if (p.forward() == forward && p.payloadBytes() == 0) {
                empty++;
            }
        }
        long seen = f.firstPackets().stream().filter(p -> p.forward() == forward).count();
        v.add(share(s.retransmissions(), s.packets())).add((flags & 0x02) != 0).add((flags & 0x01) != 0)
                .add((flags & 0x04) != 0).add((flags & 0x08) != 0).add(seen == 0 ? -1 : share(empty, seen));

        Flow.Heads h = f.heads();
        int firstPayload = 0;
        for (Flow.FirstPacket p : f.firstPackets()) {
            if (p.forward() == forward && p.payloadBytes() > 0) {
                firstPayload = p.payloadBytes();
                break;
            }
        }
        v.add(h.length(forward)).add(h.at(forward, 0)).add(h.at(forward, 1)).add(h.at(forward, 2)).add(h.at(forward, 3))
                .add(Shapes.tls(h, forward)).add(Shapes.quic(h, forward)).add(Shapes.stun(h, forward, firstPayload))
                .add(Shapes.rtp(h, forward)).add(Shapes.dns(h, forward)).add(Shapes.text(h, forward))
                .add(Shapes.http(h, forward)).add(Shapes.sip(h, forward)).add(Shapes.banner(h, forward))
                .add(Shapes.peerToPeer(h, forward));
    }

    private static void first(Vector v, Flow f) {
        List<Flow.FirstPacket> first = f.firstPackets();
        int turns = 0, firstPayloadLength = -1;
        for (int i = 0; i < FIRST; i++) {
            if (i < first.size()) {
                Flow.FirstPacket p = first.get(i);
                v.add(p.forward() ? p.payloadBytes() : -p.payloadBytes());
                if (i > 0 && p.forward() != first.get(i - 1).forward()) {
                    turns++;
                }
                if (firstPayloadLength < 0 && p.payloadBytes() > 0) {
                    firstPayloadLength = p.payloadBytes();
                }
            } else {
                v.add(0);
            }
        }
        v.add(first.size()).add(first.size() > 1 ? first.get(1).offsetNanos() / 1e6 : -1)
                .add(first.size() > 2 ? (first.get(2).offsetNanos() - first.get(1).offsetNanos()) / 1e6 : -1)
                .add(turns).add(firstPayloadLength);
    }

    /** The signature's class (none for unknown), how sure it is, and which carrier it found. */
    private static void signature(Vector v, Signature s) {
        TrafficClass c = s == null ? null : s.trafficClass();
        for (TrafficClass t : TrafficClass.values()) {
            v.add(c == t);
        }
        String p = s == null ? "" : s.protocol();
        v.add(c == null).add(s != null && s.confident()).add(p.startsWith("TLS")).add(p.startsWith("QUIC"))
                .add(p.startsWith("HTTP")).add(p.startsWith("STUN")).add(p.startsWith("DTLS")).add(p.indexOf('.') > 0);
    }

    private static double share(long part, long whole) {
        return whole <= 0 ? -1 : (double) part / whole;
    }

    /** Values in order, and a check that there are as many as there are names. */
    private static final class Vector {
        private final float[] values;
        private int n;

        Vector(int size) {
            values = new float[size];
        }

        Vector add(double value) {
            values[n++] = (float) value;
            return this;
        }

        Vector add(boolean value) {
            return add(value ? 1 : 0);
        }

        float[] done() {
            if (n != values.length) {
                throw new IllegalStateException(n + " features (expected: " + values.length + ")");
            }
            return values;
        }
    }
}
