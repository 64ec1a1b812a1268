package io.netpersona.learn;

import static io.netpersona.learn.Synthetic.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PacketDecoderTest {
    private final PacketDecoder decoder = new PacketDecoder(true, false);
    private final Packet p = new Packet();
    private static final byte[] UDP_V4 = ipv4("10.0.0.1", "10.0.0.2", 17, udp(1234, 53, new byte[] {1, 2, 3, 4}));

    private DecodeResult decode(int linkType, byte[] bytes) {
        return decoder.decode(new Frame().set(ByteBuffer.wrap(bytes), 0, bytes.length, bytes.length, 0, linkType), p);
    }

    private void assertUdpV4() {
        assertThat(p.ipVersion()).isEqualTo(4);
        assertThat(p.protocol()).isEqualTo(17);
        assertThat(p.srcPort()).isEqualTo(1234);
        assertThat(p.dstPort()).isEqualTo(53);
        assertThat(p.srcLo() & 0xffffffffL).isEqualTo(0x0a000001L);
        assertThat(p.payloadLength()).isEqualTo(4);
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void ethernetWithStackedVlanTagsGivesTheInnermostId() {
        byte[] inner = concat(bytes(0x00, 0xc8, 0x08, 0x00), UDP_V4);
        byte[] outer = concat(bytes(0x00, 0x64, 0x81, 0x00), inner);
        assertThat(decode(LinkType.ETHERNET, ethernet(0x88a8, outer))).isEqualTo(DecodeResult.IP);
        assertThat(p.vlan()).isEqualTo(200);
        assertUdpV4();
        assertThat(decode(LinkType.ETHERNET, ethernet(0x9100, concat(bytes(0x00, 0x07, 0x08, 0x00), UDP_V4))))
                .isEqualTo(DecodeResult.IP);
        assertThat(p.vlan()).isEqualTo(7);
        assertThat(decode(LinkType.ETHERNET, ethernet(0x0800, UDP_V4))).isEqualTo(DecodeResult.IP);
        assertThat(p.vlan()).isEqualTo(-1);
    }

    @Test
    void linuxCookedCaptures() {
        byte[] sll = concat(bytes(0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00), UDP_V4);
        assertThat(decode(LinkType.LINUX_SLL, sll)).isEqualTo(DecodeResult.IP);
        assertUdpV4();
        byte[] v6 = ipv6("2001:db8::1", "2001:db8::2", 17, udp(1234, 53, new byte[4]));
        byte[] sll2 = concat(bytes(0x86, 0xdd, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0), v6);
        assertThat(decode(LinkType.LINUX_SLL2, sll2)).isEqualTo(DecodeResult.IP);
        assertThat(p.ipVersion()).isEqualTo(6);
        assertThat(p.dstPort()).isEqualTo(53);
    }

    @Test
    void loopbackInEitherByteOrder() {
        assertThat(decode(LinkType.NULL, concat(bytes(2, 0, 0, 0), UDP_V4))).isEqualTo(DecodeResult.IP);
        assertUdpV4();
        assertThat(decode(LinkType.NULL, concat(bytes(0, 0, 0, 2), UDP_V4))).isEqualTo(DecodeResult.IP);
        assertUdpV4();
        byte[] v6 = ipv6("::1", "::1", 58, bytes(128, 0, 0, 0));
        assertThat(decode(LinkType.NULL, concat(bytes(30, 0, 0, 0), v6))).isEqualTo(DecodeResult.IP);
        assertThat(p.icmpType()).isEqualTo(128);
        assertThat(decode(LinkType.LOOP, concat(bytes(0, 0, 0, 24), v6))).isEqualTo(DecodeResult.IP);
        assertThat(decode(LinkType.NULL, concat(bytes(7, 0, 0, 0), v6))).isEqualTo(DecodeResult.NOT_IP);
    }

    @Test
    void pppFramings() {
        assertThat(decode(LinkType.PPP, concat(bytes(0xff, 0x03, 0x00, 0x21), UDP_V4))).isEqualTo(DecodeResult.IP);
        assertUdpV4();
        assertThat(decode(LinkType.PPP, concat(bytes(0x21), UDP_V4))).as("compressed protocol").isEqualTo(DecodeResult.IP);
        assertUdpV4();
        assertThat(decode(LinkType.PPP, concat(bytes(0x0f, 0x00, 0x08, 0x00), UDP_V4))).as("Cisco HDLC").isEqualTo(DecodeResult.IP);
        assertUdpV4();
        assertThat(decode(LinkType.C_HDLC, concat(bytes(0x8f, 0x00, 0x08, 0x00), UDP_V4))).isEqualTo(DecodeResult.IP);
        assertThat(decode(LinkType.PPP_HDLC, concat(bytes(0xff, 0x03, 0xc0, 0x21), new byte[8]))).isEqualTo(DecodeResult.NOT_IP);
    }

    @Test
    void rawIp() {
        assertThat(decode(LinkType.RAW, UDP_V4)).isEqualTo(DecodeResult.IP);
        assertUdpV4();
        assertThat(decode(LinkType.IPV4, UDP_V4)).isEqualTo(DecodeResult.IP);
        assertThat(decode(LinkType.RAW_BSD, UDP_V4)).isEqualTo(DecodeResult.IP);
        assertThat(decode(LinkType.RAW, bytes(0x50, 0, 0, 0))).isEqualTo(DecodeResult.BAD_IP_HEADER);
    }

    @Test
    void ipv6ExtensionHeadersAreWalked() {
        byte[] tcp = tcp(40000, 443, 1, 0, Packet.SYN, 7, 0, new byte[0]);
        byte[] dest = concat(bytes(6, 0), new byte[6]);
        byte[] hop = concat(bytes(60, 0), new byte[6]);
        assertThat(decode(LinkType.RAW, ipv6("2001:db8::1", "2001:db8::2", 0, concat(hop, dest, tcp)))).isEqualTo(DecodeResult.IP);
        assertThat(p.protocol()).isEqualTo(6);
        assertThat(p.dstPort()).isEqualTo(443);
        assertThat(p.tcpFlags()).isEqualTo(Packet.SYN);
        assertThat(p.hasTcpTimestamps()).isTrue();
        assertThat(p.tsVal()).isEqualTo(7);

        byte[] firstFragment = concat(bytes(6, 0, 0x00, 0x01, 0, 0, 0, 9), tcp);
        assertThat(decode(LinkType.RAW, ipv6("2001:db8::1", "2001:db8::2", 44, firstFragment))).isEqualTo(DecodeResult.IP);
        assertThat(p.dstPort()).isEqualTo(443);
        byte[] laterFragment = concat(bytes(6, 0, 0x05, 0x00, 0, 0, 0, 9), new byte[16]);
        assertThat(decode(LinkType.RAW, ipv6("2001:db8::1", "2001:db8::2", 44, laterFragment))).isEqualTo(DecodeResult.FRAGMENT);
        assertThat(p.protocol()).isEqualTo(6);
        assertThat(p.dstPort()).isZero();

        byte[] loop = new byte[0];
        for (int i = 0; i < 10; i++) {
            loop = concat(loop, concat(bytes(0, 0), new byte[6]));
        }
        assertThat(decode(LinkType.RAW, ipv6("::1", "::2", 0, loop))).isEqualTo(DecodeResult.TOO_DEEP);
    }

    @Test
    void ipv4Fragments() {
        byte[] later = UDP_V4.clone();
        later[6] = 0x00;
        later[7] = 0x10;
        assertThat(decode(LinkType.RAW, later)).isEqualTo(DecodeResult.FRAGMENT);
        assertThat(p.srcPort()).isZero();
        byte[] first = UDP_V4.clone();
        first[6] = 0x20;
        first[7] = 0x00;
        assertThat(decode(LinkType.RAW, first)).isEqualTo(DecodeResult.IP);
        assertUdpV4();
    }

    @Test
    void damagedHeadersAreNamed() {
        assertThat(decode(LinkType.ETHERNET, new byte[10])).isEqualTo(DecodeResult.TRUNCATED_LINK);
        assertThat(decode(LinkType.RAW, java.util.Arrays.copyOf(UDP_V4, 12))).isEqualTo(DecodeResult.TRUNCATED_IP);
        byte[] shortTcp = ipv4("10.0.0.1", "10.0.0.2", 6, new byte[10]);
        assertThat(decode(LinkType.RAW, shortTcp)).isEqualTo(DecodeResult.TRUNCATED_TRANSPORT);
        assertThat(p.srcPort()).isZero();
        byte[] badOffset = tcp(1, 2, 0, 0, Packet.ACK, -1, 0, new byte[0]);
        badOffset[12] = 0x30;
        assertThat(decode(LinkType.RAW, ipv4("10.0.0.1", "10.0.0.2", 6, badOffset))).isEqualTo(DecodeResult.BAD_TRANSPORT_HEADER);
        assertThat(p.dstPort()).isEqualTo(2);
        assertThat(decode(147, UDP_V4)).isEqualTo(DecodeResult.UNSUPPORTED_LINK_TYPE);
        assertThat(decode(LinkType.ETHERNET, ethernet(0x0806, new byte[28]))).isEqualTo(DecodeResult.NOT_IP);
        byte[] frame = UDP_V4;
        assertThat(decoder.decode(new Frame().set(ByteBuffer.wrap(frame), 0, frame.length, 1 << 30, 0, LinkType.RAW), p))
                .isEqualTo(DecodeResult.BAD_FRAME_LENGTH);
    }

    @Test
    void packetsCutByTheSnapshotLengthAreMarkedOrLeftOut() {
        byte[] whole = ipv4("10.0.0.1", "10.0.0.2", 17, udp(1234, 53, new byte[100]));
        byte[] cut = java.util.Arrays.copyOf(whole, 40);
        assertThat(decode(LinkType.RAW, cut)).isEqualTo(DecodeResult.IP);
        assertThat(p.cut()).isTrue();
        assertThat(p.payloadLength()).isEqualTo(12);
        PacketDecoder strict = new PacketDecoder(true, true);
        assertThat(strict.decode(new Frame().set(ByteBuffer.wrap(cut), 0, 40, 128, 0, LinkType.RAW), p))
                .isEqualTo(DecodeResult.TRUNCATED_IP);
    }

    @Test
    void tunnelsGiveTheirInnerPackets() {
        byte[] vxlan = ipv4("192.0.2.1", "192.0.2.2", 17, udp(5555, 4789,
                concat(bytes(0x08, 0, 0, 0, 0, 0, 1, 0), ethernet(0x0800, UDP_V4))));
        assertThat(decode(LinkType.RAW, vxlan)).isEqualTo(DecodeResult.IP);
        assertUdpV4();
        assertThat(p.tunnelled()).isTrue();
        byte[] gtp = ipv4("192.0.2.1", "192.0.2.2", 17, udp(2152, 2152,
                concat(bytes(0x30, 0xff, 0, UDP_V4.length, 0, 0, 0, 1), UDP_V4)));
        assertThat(decode(LinkType.RAW, gtp)).isEqualTo(DecodeResult.IP);
        assertUdpV4();
        byte[] sixInFour = ipv4("192.0.2.1", "192.0.2.2", 41, ipv6("2001:db8::1", "2001:db8::2", 17, udp(1, 2, new byte[0])));
        assertThat(decode(LinkType.RAW, sixInFour)).isEqualTo(DecodeResult.IP);
        assertThat(p.ipVersion()).isEqualTo(6);
        byte[] notGtp = ipv4("192.0.2.1", "192.0.2.2", 17, udp(2152, 2152, bytes(1, 2, 3)));
        assertThat(decode(LinkType.RAW, notGtp)).isEqualTo(DecodeResult.IP);
        assertThat(p.tunnelled()).isFalse();
        assertThat(p.srcPort()).as("the outer packet, as it was").isEqualTo(2152);
        assertThat(p.srcLo() & 0xffffffffL).isEqualTo(0xc0000201L);
        PacketDecoder plain = new PacketDecoder(false, false);
        assertThat(plain.decode(new Frame().set(ByteBuffer.wrap(vxlan), 0, vxlan.length, vxlan.length, 0, LinkType.RAW), p))
                .isEqualTo(DecodeResult.IP);
        assertThat(p.dstPort()).isEqualTo(4789);
    }

    private static byte[] arp(int operation, String sender, String target) {
        return concat(bytes(0, 1, 0x08, 0x00, 6, 4, 0, operation), bytes(2, 0, 0, 0, 0, 1), addr(sender),
                bytes(0, 0, 0, 0, 0, 0), addr(target));
    }

    @Test
    void arpForIpv4IsAFlowBetweenSenderAndTargetWhenAskedFor() {
        PacketDecoder withArp = new PacketDecoder(true, false, true);
        byte[] request = ethernet(0x0806, arp(1, "192.168.1.7", "192.168.1.1"));
        Frame f = new Frame().set(ByteBuffer.wrap(request), 0, request.length, request.length, 0, LinkType.ETHERNET);
        assertThat(withArp.decode(f, p)).isEqualTo(DecodeResult.ARP);
        assertThat(DecodeResult.ARP.inFlow()).isTrue();
        assertThat(p.protocol()).isEqualTo(Packet.ARP);
        assertThat(p.ipVersion()).isEqualTo(4);
        assertThat(p.srcLo()).isEqualTo(0xffff_c0a8_0107L);
        assertThat(p.dstLo()).isEqualTo(0xffff_c0a8_0101L);
        assertThat(p.srcPort()).isZero();
        assertThat(p.payloadLength()).isZero();
        // behind a VLAN tag, as a switch port trunk captures it
        byte[] tagged = ethernet(0x8100, concat(bytes(0x00, 0x0a, 0x08, 0x06), arp(2, "192.168.1.1", "192.168.1.7")));
        f.set(ByteBuffer.wrap(tagged), 0, tagged.length, tagged.length, 0, LinkType.ETHERNET);
        assertThat(withArp.decode(f, p)).isEqualTo(DecodeResult.ARP);
        assertThat(p.vlan()).isEqualTo(10);
        assertThat(p.srcLo()).isEqualTo(0xffff_c0a8_0101L);

        // the default decoder leaves ARP out, as nDPI does
        assertThat(decode(LinkType.ETHERNET, request)).isEqualTo(DecodeResult.NOT_IP);
        // ARP for another protocol than IPv4 has no address a flow can take
        byte[] other = arp(1, "192.168.1.7", "192.168.1.1");
        other[2] = (byte) 0x86;
        other[3] = (byte) 0xdd;
        f.set(ByteBuffer.wrap(ethernet(0x0806, other)), 0, 14 + other.length, 14 + other.length, 0, LinkType.ETHERNET);
        assertThat(withArp.decode(f, p)).isEqualTo(DecodeResult.NOT_IP);
        // cut before the target's address
        f.set(ByteBuffer.wrap(request), 0, request.length - 2, request.length - 2, 0, LinkType.ETHERNET);
        assertThat(withArp.decode(f, p)).isEqualTo(DecodeResult.TRUNCATED_LINK);
    }

    @Test
    void randomBytesNeverThrow() {
        Random random = new Random(42);
        int[] links = {LinkType.ETHERNET, LinkType.RAW, LinkType.NULL, LinkType.LOOP, LinkType.PPP, LinkType.C_HDLC,
            LinkType.LINUX_SLL, LinkType.LINUX_SLL2, LinkType.PPI, LinkType.IPV6, LinkType.PPP_ETHER};
        ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.BIG_ENDIAN);
        Frame f = new Frame();
        for (int i = 0; i < 200_000; i++) {
            int n = random.nextInt(200);
            byte[] bytes = new byte[n];
            random.nextBytes(bytes);
            // plausible starts make the decoder go deep more often than pure noise would
            if (n > 20 && random.nextBoolean()) {
                System.arraycopy(UDP_V4, 0, bytes, 0, Math.min(n, 20 + random.nextInt(8)));
            }
            b.clear();
            b.put(0, bytes);
            decoder.decode(f.set(b, 0, n, n, i, links[i % links.length]), p);
        }
    }
}
