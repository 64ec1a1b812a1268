package io.netpersona.learn.profile;

import io.netpersona.learn.Distribution;
import io.netpersona.learn.Flow;
import io.netpersona.learn.Packet;
import io.netpersona.learn.classify.FlowClassifier;
import io.netpersona.learn.classify.Verdict;
import io.netpersona.model.TrafficClass;
import java.util.List;
import java.util.Set;

/**
 * A small classifier from well-known ports and a few plain rules of behaviour, the last word after the
 * trained one ({@link #forLearning()}). It is deliberately small, and its confidences are modest: it knows
 * the lab's kinds of application, not the Internet's.
 *
 * <ol>
 *   <li>ICMP and the infrastructure ports (DNS, NTP, DHCP, SNMP): control;
 *   <li>tunnel protocols and ports (GRE, ESP, IKE, OpenVPN, WireGuard): tunnel;
 *   <li>TCP on which the client asks again and again and the server answers each time with a burst, then pauses (at
 *       least 500 kB from the server in large frames, nine tenths of the payload and more; the client sent payload
 *       too; two or more of the server's gaps longer than 100 ms): streaming, segments fetched at a bitrate as a
 *       player does, where a bulk transfer sends without pausing and its client sends only acknowledgements;
 *   <li>at least 1 MB with nine tenths of the payload one way in frames of 800 bytes or more on average: bulk;
 *   <li>database and cache ports: transactional; SSH: interactive; message brokers: messaging;
 *   <li>UDP for a second or more, at 10 packets/s or more, with small packets (300 bytes or less on
 *       average) both ways: realtime; UDP with large packets mostly one way: streaming;
 *   <li>a short TCP connection, seen from its handshake to its close within 2 s, on which the client sent one
 *       small request (at most 4 kB) and the server answered with at least as much (at most 2 MB): interactive,
 *       the shape of a web request (a person waits on the answer);
 *   <li>TCP with requests and answers both ways (4 or more payload packets each way), packets 600 bytes or
 *       less on average: transactional;
 *   <li>anything else: unknown.
 * </ol>
 */
public final class FallbackClassifier implements FlowClassifier {
    public static final FallbackClassifier INSTANCE = new FallbackClassifier();

    private static final Set<Integer> CONTROL = Set.of(53, 5353, 123, 67, 68, 161, 162, 546, 547);
    private static final Set<Integer> TUNNEL = Set.of(500, 4500, 1194, 51820, 1701, 1723);
    private static final Set<Integer> DATABASES = Set.of(5432, 3306, 1433, 1521, 6379, 27017, 9042, 11211, 5984, 26257);
    private static final Set<Integer> MESSAGING = Set.of(1883, 8883, 5222, 5672, 9092, 6667, 4222);

    private FallbackClassifier() {
    }

    /**
     * What learning uses: the standard classifier, and these rules for the flows it cannot tell or only
     * guesses at (below 0.5). An
     * application's own flows need a class even when they speak no protocol the model knows (paced bulk
     * streams or a request/response service on a private port, as the lab's applications are); the rules
     * judge only behaviour and ports, so they add nothing learned from any capture. One rule outweighs a
     * model's answer that is less sure than it: segments fetched at a bitrate (streaming) is a shape of the whole
     * flow, which the model's per-flow features see poorly (its streaming recall is about 0.4), so a video service
     * on a private port came out interactive at 0.53.
     */
    public static FlowClassifier forLearning() {
        FlowClassifier standard = FlowClassifier.standard().orElse(INSTANCE, 0.5);
        return flow -> {
            Verdict model = standard.classify(flow);
            Verdict rule = INSTANCE.classify(flow);
            return rule.trafficClass() == TrafficClass.STREAMING && rule.confidence() > model.confidence() ? rule : model;
        };
    }

    @Override
    public Verdict classify(Flow f) {
        int proto = f.protocol();
        if (proto == 1 || proto == 58) {
            return new Verdict(TrafficClass.CONTROL, 0.6);
        }
        if (proto == 47 || proto == 50 || proto == 4 || proto == 41) {
            return new Verdict(TrafficClass.TUNNEL, 0.7);
        }
        if (proto != 6 && proto != 17) {
            return Verdict.UNKNOWN;
        }
        int port = ServerSide.isDst(f) ? f.dstPort() : f.srcPort();
        if (CONTROL.contains(port)) {
            return new Verdict(TrafficClass.CONTROL, 0.8);
        }
        if (TUNNEL.contains(port)) {
            return new Verdict(TrafficClass.TUNNEL, 0.7);
        }
        if (proto == 6 && segmented(f)) {
            return new Verdict(TrafficClass.STREAMING, 0.7);
        }
        if (bulk(f)) {
            return new Verdict(TrafficClass.BULK, 0.8);
        }
        if (proto == 6 && DATABASES.contains(port)) {
            return new Verdict(TrafficClass.TRANSACTIONAL, 0.7);
        }
        if (proto == 6 && port == 22) {
            return new Verdict(TrafficClass.INTERACTIVE, 0.7);
        }
        if (MESSAGING.contains(port)) {
            return new Verdict(TrafficClass.MESSAGING, 0.7);
        }
        return proto == 17 ? udp(f) : tcp(f);
    }

    private static boolean bulk(Flow f) {
        long fwd = f.forward().payloadBytes(), back = f.backward().payloadBytes();
        Flow.Side heavy = fwd >= back ? f.forward() : f.backward();
        long total = fwd + back;
        return total >= 1_000_000 && Math.max(fwd, back) >= 0.9 * total && heavy.sizes().mean() >= 800;
    }

    private static Verdict udp(Flow f) {
        double seconds = f.durationNanos() / 1e9;
        if (seconds < 1 || f.packets() < 20) {
            return Verdict.UNKNOWN;
        }
        double pps = f.packets() / seconds;
        boolean small = f.forward().sizes().mean() <= 300 && (f.backward().packets() == 0 || f.backward().sizes().mean() <= 300);
        if (pps >= 10 && small && f.bidirectional()) {
            return new Verdict(TrafficClass.REALTIME, 0.75);
        }
        Flow.Side heavy = f.forward().bytes() >= f.backward().bytes() ? f.forward() : f.backward();
        if (heavy.sizes().mean() >= 900 && heavy.bytes() >= 0.9 * f.bytes()) {
            return new Verdict(TrafficClass.STREAMING, 0.6);
        }
        return Verdict.UNKNOWN;
    }

    /** Pauses longer than this between the server's bursts tell segments fetched at a bitrate from a transfer. */
    private static final long PAUSE_NANOS = 100_000_000L;
    /** The gap buckets above {@link #PAUSE_NANOS}: (100 ms, 1 s], (1 s, 10 s], and longer. */
    private static final int FIRST_PAUSE_BUCKET = Distribution.GAP_BUCKETS.indexOf(PAUSE_NANOS) + 1;

    /**
     * Segments fetched one after another on one connection: the server sends nearly all the bytes in large frames,
     * the client asks (it sent payload, not only acknowledgements), and the server's bursts are separated by pauses.
     */
    private static boolean segmented(Flow f) {
        boolean dst = ServerSide.isDst(f);
        Flow.Side server = dst ? f.backward() : f.forward(), client = dst ? f.forward() : f.backward();
        long down = server.payloadBytes(), up = client.payloadBytes();
        if (down < 500_000 || down < 0.9 * (down + up) || server.sizes().mean() < 800 || up == 0) {
            return false;
        }
        List<Long> gaps = server.gaps().histogram();
        long pauses = 0;
        for (int i = FIRST_PAUSE_BUCKET; i < gaps.size(); i++) {
            pauses += gaps.get(i);
        }
        return pauses >= 2;
    }

    /**
     * One request and its answer on a connection of its own, seen whole: the handshake, a small request, an answer
     * at least as large, and the close (a FIN or RST from either side), within 2 s.
     */
    private static boolean shortExchange(Flow f) {
        if (f.handshake().synToSynAckNanos() < 0 || f.durationNanos() > 2_000_000_000L) {
            return false;
        }
        boolean dst = ServerSide.isDst(f);
        Flow.Side server = dst ? f.backward() : f.forward(), client = dst ? f.forward() : f.backward();
        int closing = Packet.FIN | Packet.RST;
        boolean closed = ((server.tcpFlags() | client.tcpFlags()) & closing) != 0;
        long up = client.payloadBytes(), down = server.payloadBytes();
        return closed && up > 0 && up <= 4096 && down >= up && down <= 2_000_000;
    }

    private static Verdict tcp(Flow f) {
        if (shortExchange(f)) {
            return new Verdict(TrafficClass.INTERACTIVE, 0.6);
        }
        boolean exchanges = payloadPackets(f.forward()) >= 4 && payloadPackets(f.backward()) >= 4;
        if (exchanges && f.forward().sizes().mean() <= 600 && f.backward().sizes().mean() <= 600) {
            return new Verdict(TrafficClass.TRANSACTIONAL, 0.5);
        }
        return Verdict.UNKNOWN;
    }

    /** Packets that carried payload, roughly: all but the bare ACKs, judged from the payload's total. */
    private static long payloadPackets(Flow.Side s) {
        return s.payloadBytes() == 0 ? 0 : Math.min(s.packets(), s.payloadBytes());
    }
}
