package io.netpersona.learn.classify;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.learn.Distribution;
import io.netpersona.learn.Flow;
import io.netpersona.learn.Rtt;
import io.netpersona.learn.TrainingData;
import io.netpersona.model.TrafficClass;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignaturesTest {

    static Flow flow(int protocol, int srcPort, int dstPort, byte[] forward, byte[] backward, Flow.Names names) {
        Flow.Side side = new Flow.Side(1, 100, 50, Distribution.EMPTY, Distribution.EMPTY, 0, 0, Rtt.NONE);
        List<Flow.FirstPacket> first = List.of(new Flow.FirstPacket(true, 100, forward.length, 0),
                new Flow.FirstPacket(false, 100, backward.length, 1000));
        return new Flow("test", 4, protocol, InetAddress.ofLiteral("192.0.2.1"), srcPort, InetAddress.ofLiteral("192.0.2.2"),
                dstPort, -1, false, 0, 1000, side, side, Flow.Handshake.NONE, names, first, Flow.End.CAPTURE_END,
                new Flow.Heads(Arrays.copyOf(forward, Math.min(Flow.Heads.BYTES, forward.length)),
                        Arrays.copyOf(backward, Math.min(Flow.Heads.BYTES, backward.length))));
    }

    static byte[] text(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    static Signature tcp(int dstPort, byte[] forward, byte[] backward) {
        return Signatures.of(flow(6, 40000, dstPort, forward, backward, Flow.Names.NONE));
    }

    static Signature udp(int dstPort, byte[] forward, byte[] backward) {
        return Signatures.of(flow(17, 40000, dstPort, forward, backward, Flow.Names.NONE));
    }

    @Test
    void payloadFormatsNameTheirProtocolOnAnyPort() {
        assertThat(tcp(7000, text("GNUTELLA CONNECT/0.6\r\n"), text("GNUTELLA/0.6 200 OK")).protocol()).isEqualTo("Gnutella");
        assertThat(udp(7000, text("GND\u0010\u003f\u00a9\u0001\u0001xxxxxxxx"), new byte[0]).protocol()).isEqualTo("Gnutella");
        assertThat(tcp(7000, text("\u0013BitTorrent protocol"), new byte[0]).trafficClass()).isEqualTo(TrafficClass.BULK);
        assertThat(tcp(2222, text("SSH-2.0-OpenSSH_9.6"), text("SSH-2.0-OpenSSH_9.2")).protocol()).isEqualTo("SSH");
        assertThat(udp(9999, hex("1234010000010000000000000377777704"), hex("1234818000010001000000000377777704"))
                .protocol()).isEqualTo("DNS");
        assertThat(udp(443, hex("00112233445566778899aabbccddeeff"), text("r6fnvWj8abcdefgh")).trafficClass())
                .isEqualTo(TrafficClass.CONTROL);
        assertThat(tcp(3306, new byte[0], hex("4a0000000a382e302e3336000a000000")).protocol()).isEqualTo("MySQL");
        assertThat(udp(30000, hex("ffffffff54536f7572636520456e6769"), new byte[0]).trafficClass())
                .isEqualTo(TrafficClass.REALTIME);
        assertThat(tcp(5061, text("INVITE sip:bob@example.com SIP/2.0"), new byte[0]).trafficClass())
                .isEqualTo(TrafficClass.REALTIME);
        assertThat(tcp(110, new byte[0], text("+OK POP3 ready\r\n")).trafficClass()).isEqualTo(TrafficClass.MESSAGING);
        assertThat(udp(427, hex("02010000360000000000000100026571"), new byte[0]).trafficClass())
                .isEqualTo(TrafficClass.TRANSACTIONAL);
        byte[] query = new byte[43];
        query[16] = (byte) 0x80; // a Gnutella query: id, type, TTL 3, hops 0, a payload of 20 bytes (LE)
        query[17] = 3;
        query[19] = 20;
        Flow gnutellaUdp = flow(17, 40000, 6500, query, new byte[0], Flow.Names.NONE);
        assertThat(Signatures.of(gnutellaUdp).protocol()).isEqualTo("Gnutella");
        query[19] = 21;
        assertThat(Signatures.of(flow(17, 40000, 6500, query, new byte[0], Flow.Names.NONE)))
                .as("the length must account for the datagram").isNull();
        assertThat(tcp(993, hex("160301020001"), new byte[0]).protocol()).isEqualTo("IMAPS");
        assertThat(List.of(tcp(7000, text("GNUTELLA"), new byte[0]), udp(53, hex("1234010000010000000000000377777704"),
                new byte[0]))).allMatch(Signature::confident);
    }

    @Test
    void wireGuardNeedsItsMessageLengths() {
        byte[] init = hex("01000000aabbccddeeff001122334455");
        Flow right = flow(17, 40000, 51820, init, new byte[0], Flow.Names.NONE);
        Flow wrongLength = flow(17, 40000, 51820, Arrays.copyOf(init, 16), new byte[0], Flow.Names.NONE);
        Flow sized = new Flow(right.capture(), 4, 17, right.srcAddress(), 40000, right.dstAddress(), 51820, -1, false, 0,
                1000, right.forward(), right.backward(), Flow.Handshake.NONE, Flow.Names.NONE,
                List.of(new Flow.FirstPacket(true, 190, 148, 0)), Flow.End.CAPTURE_END, right.heads());
        assertThat(Signatures.of(sized).protocol()).isEqualTo("WireGuard");
        assertThat(Signatures.of(sized).confident()).isTrue();
        assertThat(Signatures.of(wrongLength).confident()).as("a 16-byte payload is no handshake, only the port hints")
                .isFalse();
    }

    @Test
    void serverNamesOfKnownServicesGiveTheirCategory() {
        byte[] hello = hex("16030100c8010000c40303aabbccddeeff");
        Signature youtube = Signatures.of(flow(6, 40000, 443, hello, new byte[0],
                new Flow.Names("rr3---sn-4g5e6nsz.googlevideo.com", "", "", "")));
        assertThat(youtube.protocol()).isEqualTo("TLS.YouTube");
        assertThat(youtube.trafficClass()).isEqualTo(TrafficClass.STREAMING);
        assertThat(youtube.confident()).isTrue();
        Signature unknownSite = Signatures.of(flow(6, 40000, 443, hello, new byte[0],
                new Flow.Names("www.example.org", "", "", "")));
        assertThat(unknownSite.protocol()).isEqualTo("TLS");
        assertThat(unknownSite.trafficClass()).as("nDPI's category of TLS to a service it does not know")
                .isEqualTo(TrafficClass.INTERACTIVE);
        Signature resolver = Signatures.of(flow(6, 40000, 443, hello, new byte[0],
                new Flow.Names("doh-2.resolver.example", "", "", "")));
        assertThat(resolver.protocol()).isEqualTo("TLS.DoH_DoT");
        assertThat(resolver.trafficClass()).isEqualTo(TrafficClass.CONTROL);
        Signature port443 = Signatures.of(flow(6, 40000, 443, hex("9a7f3c"), new byte[0], Flow.Names.NONE));
        assertThat(port443.confident()).as("port 443 without a TLS record is only a guess").isFalse();
        assertThat(ServiceNames.of("notyoutube.com")).as("a suffix matches whole labels only").isNull();
        assertThat(ServiceNames.of("WWW.NetFlix.COM.").name()).isEqualTo("NetFlix");
        assertThat(ServiceNames.of("api.sec-tunnel.com").category()).isEqualTo("VPN");
    }

    @Test
    void protocolsWithoutPortsAndPortGuesses() {
        Flow icmp = flow(1, 0, 0, new byte[0], new byte[0], Flow.Names.NONE);
        assertThat(Signatures.of(icmp).trafficClass()).isEqualTo(TrafficClass.CONTROL);
        Flow esp = flow(50, 0, 0, new byte[0], new byte[0], Flow.Names.NONE);
        assertThat(Signatures.of(esp).trafficClass()).isEqualTo(TrafficClass.TUNNEL);
        Signature port = tcp(3306, hex("00"), new byte[0]);
        assertThat(port.protocol()).isEqualTo("MySQL");
        assertThat(port.confident()).as("a port alone is a guess").isFalse();
        assertThat(tcp(40001, hex("9a7f3c"), hex("11"))).isNull();
    }

    @Test
    void categoriesAreTheSharedMapping() {
        Map<String, TrafficClass> shared = TrainingSet.categories(TrainingData.folder().getParent()
                .resolve("traffic-classes.csv"));
        assertThat(Categories.all()).isEqualTo(shared);
    }

    @Test
    void aConfidentSignatureDecidesAndOtherFlowsGoToTheForest() {
        SignedClassifier c = SignedClassifier.standard();
        Flow gnutella = flow(6, 40000, 7000, text("GNUTELLA CONNECT/0.6"), new byte[0], Flow.Names.NONE);
        assertThat(c.classify(gnutella)).isEqualTo(new Verdict(TrafficClass.BULK, SignedClassifier.SURE));
        Flow unknown = flow(6, 40000, 40001, hex("9a7f3c"), hex("11"), Flow.Names.NONE);
        assertThat(c.classify(unknown)).isEqualTo(c.forest().classify(unknown));
    }
}
