package io.netpersona.learn;

import static io.netpersona.learn.Synthetic.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlowMeterTest {
    private static final long MS = 1_000_000L;
    private static final String CLIENT = "10.0.0.1", SERVER = "93.184.216.34";
    private final List<Flow> flows = new ArrayList<>();
    private FlowMeter meter = new FlowMeter("test", FlowMeter.Options.DEFAULTS, flows::add);
    private final Frame frame = new Frame();

    private void send(long t, byte[] ip) {
        meter.accept(frame.set(ByteBuffer.wrap(ip), 0, ip.length, ip.length, t, LinkType.RAW));
    }

    private void tcpFrom(boolean client, long t, long seq, long ack, int flags, long tsVal, long tsEcr, byte[] payload) {
        byte[] segment = tcp(client ? 40000 : 443, client ? 443 : 40000, seq, ack, flags, tsVal, tsEcr, payload);
        send(t, client ? ipv4(CLIENT, SERVER, 6, segment) : ipv4(SERVER, CLIENT, 6, segment));
    }

    private Flow only() {
        meter.finish();
        assertThat(flows).hasSize(1);
        return flows.getFirst();
    }

    @Test
    void handshakeDirectionsAndCounts() {
        tcpFrom(true, 0, 100, 0, Packet.SYN, -1, 0, new byte[0]);
        tcpFrom(false, 30 * MS, 500, 101, Packet.SYN | Packet.ACK, -1, 0, new byte[0]);
        tcpFrom(true, 32 * MS, 101, 501, Packet.ACK, -1, 0, new byte[0]);
        tcpFrom(true, 33 * MS, 101, 501, Packet.ACK | Packet.PSH, -1, 0, new byte[10]);
        tcpFrom(false, 70 * MS, 501, 111, Packet.ACK | Packet.PSH, -1, 0, new byte[1000]);
        Flow f = only();
        assertThat(f.srcAddress().getHostAddress()).isEqualTo(CLIENT);
        assertThat(f.srcPort()).isEqualTo(40000);
        assertThat(f.dstPort()).isEqualTo(443);
        assertThat(f.protocolName()).isEqualTo("TCP");
        assertThat(f.forward().packets()).isEqualTo(3);
        assertThat(f.backward().packets()).isEqualTo(2);
        assertThat(f.forward().bytes()).isEqualTo(40 + 40 + 50);
        assertThat(f.backward().bytes()).isEqualTo(40 + 1040);
        assertThat(f.forward().payloadBytes()).isEqualTo(10);
        assertThat(f.handshake()).isEqualTo(new Flow.Handshake(30 * MS, 2 * MS));
        assertThat(f.handshake().rttNanos()).isEqualTo(32 * MS);
        assertThat(f.rttNanos()).isEqualTo(32 * MS);
        assertThat(f.durationNanos()).isEqualTo(70 * MS);
        assertThat(f.forward().tcpFlags()).isEqualTo(Packet.SYN | Packet.ACK | Packet.PSH);
        assertThat(f.bidirectional()).isTrue();
        assertThat(f.end()).isEqualTo(Flow.End.CAPTURE_END);
        assertThat(f.firstPackets()).extracting(Flow.FirstPacket::forward).containsExactly(true, false, true, true, false);
        assertThat(f.firstPackets()).extracting(Flow.FirstPacket::payloadBytes).containsExactly(0, 0, 0, 10, 1000);
        assertThat(f.firstPackets().get(4).offsetNanos()).isEqualTo(70 * MS);
    }

    @Test
    void distributionsOfSizesAndGaps() {
        tcpFrom(true, 0, 1, 0, Packet.ACK, -1, 0, new byte[20]);
        tcpFrom(true, 1 * MS, 21, 0, Packet.ACK, -1, 0, new byte[60]);
        tcpFrom(true, 3 * MS, 81, 0, Packet.ACK, -1, 0, new byte[1400]);
        Distribution sizes = only().forward().sizes();
        assertThat(sizes.count()).isEqualTo(3);
        assertThat(sizes.min()).isEqualTo(60);
        assertThat(sizes.max()).isEqualTo(1440);
        assertThat(sizes.mean()).isEqualTo((60 + 100 + 1440) / 3.0);
        assertThat(sizes.histogram()).containsExactly(1L, 1L, 0L, 0L, 0L, 1L, 0L);
        Distribution gaps = flows.getFirst().forward().gaps();
        assertThat(gaps.count()).isEqualTo(2);
        assertThat(gaps.min()).isEqualTo(1 * MS);
        assertThat(gaps.max()).isEqualTo(2 * MS);
        assertThat(gaps.stddev()).isCloseTo(0.5 * MS, org.assertj.core.data.Offset.offset(1.0));
        assertThat(gaps.histogram()).containsExactly(0L, 1L, 1L, 0L, 0L, 0L, 0L);
        assertThat(flows.getFirst().backward().sizes()).isEqualTo(Distribution.EMPTY);
    }

    @Test
    void passiveRttFromTimestampEchoes() {
        tcpFrom(true, 0, 1, 1, Packet.ACK, 100, 50, new byte[10]);
        tcpFrom(false, 5 * MS, 1, 11, Packet.ACK, 200, 100, new byte[10]);
        tcpFrom(true, 7 * MS, 11, 11, Packet.ACK, 101, 200, new byte[10]);
        tcpFrom(false, 12 * MS, 11, 21, Packet.ACK, 201, 101, new byte[0]);
        Flow f = only();
        assertThat(f.forward().echoRtt()).isEqualTo(new Rtt(2, 5 * MS, 5 * MS, 5 * MS));
        assertThat(f.backward().echoRtt()).isEqualTo(new Rtt(1, 2 * MS, 2 * MS, 2 * MS));
        assertThat(f.rttNanos()).isEqualTo(7 * MS);
    }

    @Test
    void retransmissionsAreRepeatedSequenceRanges() {
        tcpFrom(true, 0, 1000, 1, Packet.ACK, -1, 0, new byte[100]);
        tcpFrom(true, 1 * MS, 1100, 1, Packet.ACK, -1, 0, new byte[100]);
        tcpFrom(true, 2 * MS, 1000, 1, Packet.ACK, -1, 0, new byte[100]);
        tcpFrom(true, 3 * MS, 1150, 1, Packet.ACK, -1, 0, new byte[100]);
        tcpFrom(true, 4 * MS, 1250, 1, Packet.ACK, -1, 0, new byte[100]);
        tcpFrom(true, 5 * MS, 1350, 1, Packet.ACK, -1, 0, new byte[0]);
        assertThat(only().forward().retransmissions()).isEqualTo(2);
    }

    @Test
    void sequenceNumbersWrapAround() {
        tcpFrom(true, 0, 0xffffff00L, 1, Packet.ACK, -1, 0, new byte[0x100]);
        tcpFrom(true, 1, 0, 1, Packet.ACK, -1, 0, new byte[100]);
        assertThat(only().forward().retransmissions()).isZero();
    }

    static byte[] dnsResponse(String question, String cname, byte[] address) {
        Bytes b = new Bytes(ByteOrder.BIG_ENDIAN).u16(0x1234).u16(0x8180).u16(1).u16(2).u16(0).u16(0);
        name(b, question).u16(1).u16(1);
        b.u16(0xc00c).u16(5).u16(1).u32(60);
        Bytes target = name(new Bytes(ByteOrder.BIG_ENDIAN), cname);
        b.u16(target.size()).put(target.bytes());
        name(b, cname).u16(address.length == 4 ? 1 : 28).u16(1).u32(60).u16(address.length).put(address);
        return b.bytes();
    }

    private static Bytes name(Bytes b, String name) {
        for (String label : name.split("\\.")) {
            b.u8(label.length()).put(label.getBytes(StandardCharsets.US_ASCII));
        }
        return b.u8(0);
    }

    @Test
    void dnsAnswersNameLaterFlowsToTheirAddresses() {
        byte[] answer = dnsResponse("www.example.org", "edge.cdn.example.net", addr(SERVER));
        send(0, ipv4("10.0.0.53", CLIENT, 17, udp(53, 5000, answer)));
        byte[] v6answer = dnsResponse("v6.example.org", "edge6.cdn.example.net", addr("2001:db8::80"));
        send(1, ipv4("10.0.0.53", CLIENT, 17, udp(53, 5001, v6answer)));
        tcpFrom(true, 10 * MS, 1, 0, Packet.SYN, -1, 0, new byte[0]);
        send(11 * MS, ipv6("2001:db8::1", "2001:db8::80", 6, tcp(40001, 443, 1, 0, Packet.SYN, -1, 0, new byte[0])));
        meter.finish();
        assertThat(flows).hasSize(4);
        assertThat(flows.get(0).names().dnsQuery()).isEqualTo("www.example.org");
        assertThat(flows.get(2).names().dnsName()).isEqualTo("www.example.org");
        assertThat(flows.get(2).names().serverName()).isEqualTo("www.example.org");
        assertThat(flows.get(3).names().dnsName()).isEqualTo("v6.example.org");
        assertThat(meter.stats().dnsNames()).isEqualTo(2);
    }

    static byte[] clientHello(String sni) {
        Bytes ext = new Bytes(ByteOrder.BIG_ENDIAN);
        // a padding extension first, so that the SNI lies deep in the hello
        ext.u16(0x15).u16(400).put(new byte[400]);
        byte[] host = sni.getBytes(StandardCharsets.US_ASCII);
        ext.u16(0).u16(host.length + 5).u16(host.length + 3).u8(0).u16(host.length).put(host);
        Bytes body = new Bytes(ByteOrder.BIG_ENDIAN).u16(0x0303).put(new byte[32]).u8(0).u16(2).u16(0x1301).u8(1).u8(0)
                .u16(ext.size()).put(ext.bytes());
        Bytes handshake = new Bytes(ByteOrder.BIG_ENDIAN).u8(1).u8(0).u16(body.size()).put(body.bytes());
        return new Bytes(ByteOrder.BIG_ENDIAN).u8(0x16).u16(0x0301).u16(handshake.size()).put(handshake.bytes()).bytes();
    }

    @Test
    void tlsServerNameFromOneSegment() {
        tcpFrom(true, 0, 1, 1, Packet.ACK | Packet.PSH, -1, 0, clientHello("one.example.com"));
        assertThat(only().names().tlsServerName()).isEqualTo("one.example.com");
    }

    @Test
    void tlsServerNameFromAHelloSplitOverTwoSegments() {
        byte[] hello = clientHello("split.example.com");
        byte[] first = Arrays.copyOf(hello, 300), second = Arrays.copyOfRange(hello, 300, hello.length);
        tcpFrom(true, 0, 1, 1, Packet.ACK, -1, 0, first);
        tcpFrom(false, 1, 1, 301, Packet.ACK, -1, 0, new byte[0]);
        tcpFrom(true, 2, 1, 1, Packet.ACK, -1, 0, first);
        tcpFrom(true, 3, 301, 1, Packet.ACK | Packet.PSH, -1, 0, second);
        Flow f = only();
        assertThat(f.names().tlsServerName()).isEqualTo("split.example.com");
        assertThat(f.names().serverName()).isEqualTo("split.example.com");
    }

    @Test
    void httpHostWithoutItsPort() {
        byte[] request = "GET /index.html HTTP/1.1\r\nUser-Agent: t\r\nhost: www.example.org:8080\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        tcpFrom(true, 0, 1, 1, Packet.ACK | Packet.PSH, -1, 0, request);
        assertThat(only().names().httpHost()).isEqualTo("www.example.org");
    }

    @Test
    void idleFlowsEndAndAreReportedBeforeTheCaptureEnds() {
        meter = new FlowMeter("test", FlowMeter.Options.DEFAULTS.withTimeouts(Duration.ofMinutes(1), Duration.ofSeconds(10)),
                flows::add);
        send(0, ipv4(CLIENT, SERVER, 17, udp(1000, 2000, new byte[8])));
        // a scan comes at most once per table capacity in packets (1024 at first)
        for (int i = 0; i < 2000; i++) {
            send(Duration.ofMinutes(5).toNanos() + i * MS, ipv4(CLIENT, SERVER, 17, udp(1001, 2000, new byte[8])));
        }
        assertThat(flows).hasSize(1);
        assertThat(flows.getFirst().srcPort()).isEqualTo(1000);
        assertThat(flows.getFirst().end()).isEqualTo(Flow.End.IDLE);
        meter.finish();
        assertThat(flows).hasSize(2);
        assertThat(flows.get(1).packets()).isEqualTo(2000);
    }

    @Test
    void aPacketAfterTheIdleTimeoutStartsANewFlowEvenBeforeAScan() {
        meter = new FlowMeter("test", FlowMeter.Options.DEFAULTS.withTimeouts(Duration.ofMinutes(1), Duration.ofSeconds(10)),
                flows::add);
        send(0, ipv4(CLIENT, SERVER, 17, udp(1000, 2000, new byte[8])));
        send(Duration.ofSeconds(30).toNanos(), ipv4(SERVER, CLIENT, 17, udp(2000, 1000, new byte[8])));
        send(Duration.ofMinutes(2).toNanos(), ipv4(SERVER, CLIENT, 17, udp(2000, 1000, new byte[8])));
        meter.finish();
        assertThat(flows).extracting(Flow::packets).containsExactly(2L, 1L);
        assertThat(flows).extracting(Flow::end).containsExactly(Flow.End.IDLE, Flow.End.CAPTURE_END);
        assertThat(flows.get(1).srcPort()).as("the new flow's first sender").isEqualTo(2000);
    }

    @Test
    void aFullTableEndsItsQuietestFlowsAndLosesNoPacket() {
        meter = new FlowMeter("test", FlowMeter.Options.DEFAULTS.withMaxFlows(16), flows::add);
        for (int i = 0; i < 1000; i++) {
            send(i * MS, ipv4(CLIENT, SERVER, 17, udp(1000 + i % 100, 2000, new byte[8])));
            assertThat(meter.stats().openFlows()).isLessThanOrEqualTo(16);
        }
        FlowMeter.Stats stats = meter.finish();
        assertThat(stats.evicted()).isPositive();
        assertThat(flows).hasSize((int) stats.flows());
        assertThat(flows.stream().mapToLong(Flow::packets).sum()).isEqualTo(1000);
        assertThat(flows).anyMatch(f -> f.end() == Flow.End.EVICTED);
    }

    @Test
    void aNewConnectionAfterBothFinsIsANewFlow() {
        tcpFrom(true, 0, 1, 0, Packet.SYN, -1, 0, new byte[0]);
        tcpFrom(true, 1, 2, 0, Packet.FIN | Packet.ACK, -1, 0, new byte[0]);
        tcpFrom(false, 2, 1, 3, Packet.FIN | Packet.ACK, -1, 0, new byte[0]);
        tcpFrom(true, 3, 9000, 0, Packet.SYN, -1, 0, new byte[0]);
        meter.finish();
        assertThat(flows).extracting(Flow::packets).containsExactly(3L, 1L);
        assertThat(flows.getFirst().end()).isEqualTo(Flow.End.NEW_CONNECTION);
    }

    @Test
    void laterFragmentsAreCountedOutsideFlows() {
        byte[] later = ipv4(CLIENT, SERVER, 17, new byte[40]);
        later[6] = 0x00;
        later[7] = 0x20;
        send(0, ipv4(CLIENT, SERVER, 17, udp(1, 2, new byte[8])));
        send(1, later);
        FlowMeter.Stats s = meter.finish();
        assertThat(flows).singleElement().extracting(Flow::packets).isEqualTo(1L);
        assertThat(s.results()).containsEntry(DecodeResult.FRAGMENT, 1L).containsEntry(DecodeResult.IP, 1L);
        assertThat(s.notDecoded()).isEqualTo(1);
    }

    @Test
    void packetsTheCaptureCutShortCountUnlessWholePacketsAreAskedFor() {
        java.nio.file.Path telnet = TrainingData.capture("telnet.pcap");
        List<Flow> lenient = new ArrayList<>(), strict = new ArrayList<>();
        CaptureSummary s = Flows.read(telnet, lenient::add);
        Flows.read(telnet, LabelAgreementTest.AS_NDPI, strict::add, Flows.Progress.NONE);
        assertThat(s.stats().cutShort()).isEqualTo(5);
        assertThat(lenient.getFirst().packets() - strict.getFirst().packets()).isEqualTo(5);
    }
}
