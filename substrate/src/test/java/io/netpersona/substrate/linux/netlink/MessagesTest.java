package io.netpersona.substrate.linux.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The payloads of RTM_NEWLINK, RTM_NEWADDR and inet_diag answers, built by hand from the kernel's structs. */
class MessagesTest {
    private static ByteBuffer payload(byte[] b) {
        return Frames.order(ByteBuffer.wrap(b));
    }

    private static byte[] ifinfomsg(int type, int index, int flags) {
        return Bytes.le(16).putShort(2, (short) type).putInt(4, index).putInt(8, flags).array();
    }

    @Test
    void aDeviceWithItsCountersAndAnAttributeOfANewerKernel() {
        long[] stats = new long[25];
        for (int i = 0; i < stats.length; i++) {
            stats[i] = 1000 + i;
        }
        byte[] p = new Bytes().raw(ifinfomsg(1, 3, 0x11043))
                .attr(3, "veth0").u32attr(4, 1400).attr(16, new byte[] {6}).attr(1, new byte[] {2, 0, 0, (byte) 0xab, 0x10, 1})
                .u32attr(50, 68).u32attr(51, 65535)
                .attr(999, new byte[] {1, 2, 3}) // unknown: skipped
                .attr(23, Bytes.u64s(stats)).bytes();
        Link l = Messages.link(payload(p));
        assertThat(l).isEqualTo(new Link(3, "veth0", 1, 0x11043, 1400, 68, 65535, 6, "02:00:00:ab:10:01", Optional.of(
                new Link.Counters(1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1011, 1017))));
    }

    @Test
    void countersOfAnOlderKernelReadAsFarAsTheyGo() {
        byte[] p = new Bytes().raw(ifinfomsg(772, 1, 0x49)).attr(3, "lo").attr(23, Bytes.u64s(5, 6, 7, 8)).bytes();
        Link.Counters c = Messages.link(payload(p)).counters().orElseThrow();
        assertThat(c.rxPackets()).isEqualTo(5);
        assertThat(c.txBytes()).isEqualTo(8);
        assertThat(c.rxDropped()).isZero();
        // no counters at all, no name, no MTU: absent, not invented
        Link bare = Messages.link(payload(ifinfomsg(1, 9, 0)));
        assertThat(bare.counters()).isEmpty();
        assertThat(bare.name()).isEmpty();
        assertThat(bare.mtu()).isZero();
        assertThat(bare.maxMtu()).isEqualTo(-1);
    }

    private static byte[] tcmsg(int index, int handle, int parent) {
        return Bytes.le(20).putInt(4, index).putInt(8, handle).putInt(12, parent).putInt(16, 0x100000).array();
    }

    @Test
    void aQdiscWithItsCountersAndAClassWithout() {
        byte[] basic = Bytes.le(16).putLong(0, 123456789012L).putInt(8, 4321).array();
        byte[] queue = Bytes.le(20).putInt(0, 3).putInt(4, 4500).putInt(8, 17).putInt(12, 2).putInt(16, 99).array();
        byte[] stats = new Bytes().attr(1, basic).attr(3, queue).attr(8, Bytes.u64s(5_000_000_000L)).bytes();
        byte[] p = new Bytes().raw(tcmsg(4, 0x100000, 0x10010)).attr(1, "tbf").attr(2, new byte[] {1, 2, 3, 4, 5, 6, 7, 8})
                .attr(7, stats).bytes();
        assertThat(Messages.tc(payload(p))).isEqualTo(new TcObject(4, 0x100000, 0x10010, 0x100000, "tbf", "0102030405060708", Optional.of(
                new TcObject.Counters(123456789012L, 5_000_000_000L, 3, 4500, 17, 2, 99))));
        // without the 64-bit packet count, the 32-bit one
        byte[] old = new Bytes().raw(tcmsg(4, 0x10000, TcObject.ROOT)).attr(1, "htb")
                .attr(7, new Bytes().attr(1, basic).attr(3, queue).bytes()).bytes();
        assertThat(Messages.tc(payload(old)).counters().orElseThrow().packets()).isEqualTo(4321);
        assertThat(Messages.tc(payload(new Bytes().raw(tcmsg(4, 0x10001, 0x10000)).attr(1, "htb").bytes())).counters()).isEmpty();
        assertThat(Messages.tcRequest(7)).hasSize(20).containsSequence(Bytes.le(4).putInt(7).array());
    }

    @Test
    void anHtbQdiscsCountOfDirectPacketsIsLeftOutOfItsOptions() {
        byte[] glob = Bytes.le(20).putInt(0, 3).putInt(4, 10).putInt(8, 0x10).putInt(12, 0).putInt(16, 777).array();
        byte[] options = new Bytes().attr(2, glob).u32attr(5, 1000).bytes();
        String direct777 = Messages.tc(payload(new Bytes().raw(tcmsg(4, 0x10000, TcObject.ROOT)).attr(1, "htb").attr(2, options).bytes())).options();
        glob[16] = 5;
        byte[] other = new Bytes().attr(2, glob).u32attr(5, 1000).bytes();
        String direct5 = Messages.tc(payload(new Bytes().raw(tcmsg(4, 0x10000, TcObject.ROOT)).attr(1, "htb").attr(2, other).bytes())).options();
        assertThat(direct777).isEqualTo(direct5).contains("030000000a0000001000000000000000" + "00000000"); // version, r2q, default kept; the count zeroed
        glob[8] = 0x11; // another default class: configuration, not a count
        byte[] changed = new Bytes().attr(2, glob).u32attr(5, 1000).bytes();
        assertThat(Messages.tc(payload(new Bytes().raw(tcmsg(4, 0x10000, TcObject.ROOT)).attr(1, "htb").attr(2, changed).bytes())).options())
                .isNotEqualTo(direct5);
        // another kind's options are kept whole
        assertThat(Messages.options("tbf", payload(options))).isNotEqualTo(direct5);
    }

    @Test
    void aTruncatedHeaderIsRefused() {
        assertThatThrownBy(() -> Messages.tc(payload(new byte[19]))).isInstanceOf(NetlinkException.class)
                .hasMessageContaining("truncated tcmsg");
        assertThatThrownBy(() -> Messages.link(payload(new byte[12]))).isInstanceOf(NetlinkException.class)
                .hasMessageContaining("truncated ifinfomsg: 12 bytes (expected: at least 16)");
        assertThatThrownBy(() -> Messages.address(payload(new byte[7]))).isInstanceOf(NetlinkException.class);
        assertThatThrownBy(() -> Messages.tcpSocket(payload(new byte[71]))).isInstanceOf(NetlinkException.class);
        // an attribute running past the end of its message
        byte[] p = new Bytes().raw(ifinfomsg(1, 3, 0)).attr(3, "veth0").bytes();
        Bytes.le(2).putShort((short) 64).flip().get(p, 16, 2);
        assertThatThrownBy(() -> Messages.link(payload(p))).isInstanceOf(NetlinkException.class);
    }

    private static byte[] ifaddrmsg(int family, int prefix, int scope, int index) {
        return Bytes.le(8).put(0, (byte) family).put(1, (byte) prefix).put(3, (byte) scope).putInt(4, index).array();
    }

    @Test
    void addressesAsIpPrintsThem() {
        byte[] v4 = new Bytes().raw(ifaddrmsg(2, 24, 0, 2)).attr(1, new byte[] {10, 1, 2, 3}).attr(2, new byte[] {10, 1, 2, 3})
                .attr(4, new byte[] {10, 1, 2, (byte) 255}).attr(3, "eth0").attr(6, new byte[16]).bytes();
        assertThat(Messages.address(payload(v4))).isEqualTo(new Address(2, 2, 24, 0, "10.1.2.3", "", "eth0", "10.1.2.255"));
        byte[] ptp = new Bytes().raw(ifaddrmsg(2, 32, 0, 4)).attr(1, new byte[] {10, 9, 9, 2}).attr(2, new byte[] {10, 9, 9, 1}).bytes();
        assertThat(Messages.address(payload(ptp))).isEqualTo(new Address(2, 4, 32, 0, "10.9.9.1", "10.9.9.2", "", ""));
        byte[] v6 = new Bytes().raw(ifaddrmsg(10, 64, 253, 2))
                .attr(1, new byte[] {(byte) 0xfe, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}).bytes();
        assertThat(Messages.address(payload(v6))).isEqualTo(new Address(10, 2, 64, 253, "fe80::1", "", "", ""));
        // an address of a length no family has reads as absent
        byte[] odd = new Bytes().raw(ifaddrmsg(2, 8, 0, 1)).attr(1, new byte[] {1, 2, 3}).bytes();
        assertThat(Messages.address(payload(odd)).local()).isEmpty();
    }

    /** struct inet_diag_msg with the given ends, and the attributes after it. */
    private static Bytes diag(int family, int state, byte[] src, int sport, byte[] dst, int dport, int ifindex) {
        ByteBuffer m = Bytes.le(72).put(0, (byte) family).put(1, (byte) state);
        m.put(4, (byte) (sport >> 8)).put(5, (byte) sport).put(6, (byte) (dport >> 8)).put(7, (byte) dport);
        m.put(8, src).put(24, dst).putInt(40, ifindex);
        return new Bytes().raw(m.array());
    }

    private static byte[] tcpInfo(int size) {
        ByteBuffer i = Bytes.le(size);
        i.put(0, (byte) 1);
        i.putInt(36, 2).putInt(68, 615).putInt(72, 824).putInt(80, 48).putInt(100, 226);
        if (size >= 168) { // the fields after tcpi_total_retrans came with later kernels
            i.putInt(148, 4).putLong(120, 242309761L).putLong(128, 5L);
            i.putInt(156, 171925).putLong(160, 37794453L);
        }
        return i.array();
    }

    @Test
    void aSocketWithItsTcpInfoAndCongestionControl() {
        byte[] p = diag(2, 1, new byte[] {10, 99, 0, 2}, 55736, new byte[] {10, 99, 0, 1}, 8082, 0)
                .attr(4, "bbr").attr(2, tcpInfo(248)).attr(1, new byte[16]).bytes();
        TcpSocket s = Messages.tcpSocket(payload(p));
        assertThat(s).isEqualTo(new TcpSocket(2, 1, "10.99.0.2", 55736, "10.99.0.1", 8082, 0, "bbr", Optional.of(
                new TcpSocket.Info(1, 615, 824, 48, 2, 226, 37794453L, 4, 242309761L, 5, 171925))));
    }

    @Test
    void theDuplicatesThePeerReportedAndTheTimeoutsOfANewerKernel() {
        ByteBuffer i = ByteBuffer.wrap(tcpInfo(248)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        i.putInt(216, 17).putShort(240, (short) 3).putShort(242, (short) 9);
        byte[] p = diag(2, 1, new byte[] {10, 99, 0, 2}, 55736, new byte[] {10, 99, 0, 1}, 8082, 0).attr(2, i.array()).bytes();
        TcpSocket.Info info = Messages.tcpSocket(payload(p)).info().orElseThrow();
        assertThat(info.dsackDups()).isEqualTo(17);
        assertThat(info.timeouts()).isEqualTo(3); // tcpi_total_rto, not the recoveries after it
        // a 6.6 kernel's struct ends before tcpi_total_rto
        byte[] older = diag(2, 1, new byte[4], 1, new byte[4], 2, 0).attr(2, java.util.Arrays.copyOf(i.array(), 232)).bytes();
        assertThat(Messages.tcpSocket(payload(older)).info().orElseThrow().timeouts()).isZero();
        assertThat(Messages.tcpSocket(payload(older)).info().orElseThrow().dsackDups()).isEqualTo(17);
    }

    @Test
    void anOlderKernelsShorterTcpInfoAndASocketWithoutOne() {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 99, 0, 1};
        byte[] p = diag(10, 8, mapped, 8081, mapped, 45748, 3).attr(2, tcpInfo(104)).bytes();
        TcpSocket s = Messages.tcpSocket(payload(p));
        assertThat(s.localAddress()).isEqualTo("::ffff:10.99.0.1");
        assertThat(s.boundDevice()).isEqualTo(3);
        assertThat(s.congestionControl()).isEmpty();
        assertThat(s.info().orElseThrow().deliveryRate()).isZero(); // past the end of a 104-byte struct
        assertThat(s.info().orElseThrow().rttUs()).isEqualTo(615);
        assertThat(s.info().orElseThrow().bytesAcked()).isZero();
        assertThat(s.info().orElseThrow().dataSegsOut()).isZero();
        assertThat(Messages.tcpSocket(payload(diag(2, 2, new byte[4], 1, new byte[4], 2, 0).bytes())).info()).isEmpty();
    }

    @Test
    void theRulesetGenerationIsBigEndianAndUnsigned() {
        byte[] id = ByteBuffer.allocate(4).order(java.nio.ByteOrder.BIG_ENDIAN).putInt(0xfedcba98).array();
        byte[] p = new Bytes().raw(new byte[] {0, 0, 0, 0}).attr(2, new byte[] {0, 0, 0, 7}).attr(1, id).attr(3, "nft").bytes();
        assertThat(Messages.generation(payload(p))).isEqualTo(0xfedcba98L);
        assertThatThrownBy(() -> Messages.generation(payload(new Bytes().raw(new byte[4]).attr(3, "nft").bytes())))
                .isInstanceOf(NetlinkException.class).hasMessageContaining("without its id");
        assertThat(Frames.request(Messages.NFT_GETGEN, Frames.NLM_F_REQUEST | Frames.NLM_F_ACK, 9, Messages.generationRequest()))
                .hasSize(20).startsWith(Bytes.le(8).putInt(20).putShort((short) 0xa10).putShort((short) 5).array());
    }
}
