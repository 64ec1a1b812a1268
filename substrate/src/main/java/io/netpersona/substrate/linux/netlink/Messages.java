package io.netpersona.substrate.linux.netlink;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * The requests this reader sends and the parsers of their answers, one message payload at a time (the
 * part after {@code struct nlmsghdr}). Pure functions of bytes, so tests drive them with built buffers.
 * Unknown attributes are skipped; an attribute shorter than its type needs reads as absent or 0.
 */
final class Messages {
    static final int RTM_NEWLINK = 16, RTM_GETLINK = 18, RTM_NEWADDR = 20, RTM_GETADDR = 22;
    static final int RTM_NEWQDISC = 36, RTM_GETQDISC = 38, RTM_NEWTCLASS = 40, RTM_GETTCLASS = 42;
    static final int SOCK_DIAG_BY_FAMILY = 20;
    static final int AF_UNSPEC = 0, AF_INET = 2, AF_INET6 = 10, IPPROTO_TCP = 6;
    static final int TCMSG = 20;
    private static final int TCA_KIND = 1, TCA_OPTIONS = 2, TCA_HTB_INIT = 2, TCA_STATS2 = 7, TCA_STATS_BASIC = 1, TCA_STATS_QUEUE = 3, TCA_STATS_PKT64 = 8;
    static final int IFINFOMSG = 16, IFADDRMSG = 8, INET_DIAG_MSG = 72, INET_DIAG_REQ_V2 = 56;
    private static final int IFLA_ADDRESS = 1, IFLA_IFNAME = 3, IFLA_MTU = 4, IFLA_OPERSTATE = 16, IFLA_STATS64 = 23;
    private static final int IFLA_MIN_MTU = 50, IFLA_MAX_MTU = 51;
    private static final int IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_LABEL = 3, IFA_BROADCAST = 4;
    private static final int INET_DIAG_INFO = 2, INET_DIAG_CONG = 4;
    /**
     * The states {@code ss -t} shows when given none (its SS_CONN): every state of ss's table
     * (bits 0..11) but LISTEN, CLOSE, TIME-WAIT and SYN-RECV.
     */
    static final int SS_CONN_STATES = 0xfff & ~((1 << 10) | (1 << 7) | (1 << 6) | (1 << 3));

    /** nf_tables' generation: {@code NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_GETGEN / NFT_MSG_NEWGEN}. */
    static final int NFT_GETGEN = (10 << 8) | 16, NFT_NEWGEN = (10 << 8) | 15;
    private static final int NFGENMSG = 4, NFTA_GEN_ID = 1;

    private Messages() {}

    /** {@code struct nfgenmsg} for any family, version 0. */
    static byte[] generationRequest() {
        return new byte[NFGENMSG];
    }

    /** The ruleset generation of an {@code NFT_MSG_NEWGEN} (big-endian, as nfnetlink sends numbers). */
    static long generation(ByteBuffer p) {
        Frames.require(p, NFGENMSG, "nfgenmsg");
        ByteBuffer id = Frames.attributes(p, NFGENMSG).get(NFTA_GEN_ID);
        if (id == null || id.limit() < 4) {
            throw new NetlinkException("an nf_tables generation message without its id");
        }
        return Integer.toUnsignedLong(id.duplicate().order(java.nio.ByteOrder.BIG_ENDIAN).getInt(0));
    }

    /** {@code struct ifinfomsg} for a dump of every device (all zero: any family, any device). */
    static byte[] linkRequest() {
        return new byte[IFINFOMSG];
    }

    /** {@code struct ifinfomsg} and {@code IFLA_IFNAME}: one device by its name, not a dump. */
    static byte[] linkRequest(String name) {
        byte[] n = (name + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int length = 4 + n.length;
        ByteBuffer b = Frames.order(ByteBuffer.allocate(IFINFOMSG + Frames.align(length)));
        b.putShort(IFINFOMSG, (short) length).putShort(IFINFOMSG + 2, (short) IFLA_IFNAME).put(IFINFOMSG + 4, n);
        return b.array();
    }

    /** {@code struct ifaddrmsg} for a dump of every address of every family. */
    static byte[] addressRequest() {
        return new byte[IFADDRMSG];
    }

    /**
     * {@code struct tcmsg} for the qdiscs or classes of one device. The kernel filters a class dump by the
     * index; a qdisc dump lists every device's, so the reader keeps the ones of this index.
     */
    static byte[] tcRequest(int index) {
        return Frames.order(ByteBuffer.allocate(TCMSG)).putInt(4, index).array();
    }

    static TcObject tc(ByteBuffer p) {
        Frames.require(p, TCMSG, "tcmsg");
        Map<Integer, ByteBuffer> a = Frames.attributes(p, TCMSG);
        String kind = a.containsKey(TCA_KIND) ? Frames.string(a.get(TCA_KIND)) : "";
        Optional<TcObject.Counters> counters = Optional.ofNullable(a.get(TCA_STATS2)).map(s -> {
            Map<Integer, ByteBuffer> n = Frames.attributes(s, 0);
            ByteBuffer basic = n.get(TCA_STATS_BASIC);
            ByteBuffer queue = n.get(TCA_STATS_QUEUE);
            // the 32-bit packet count wraps; a kernel that has the 64-bit one sends it beside
            long packets = n.containsKey(TCA_STATS_PKT64) ? Frames.u64(n.get(TCA_STATS_PKT64), 0) : Frames.u32(basic, 8);
            return new TcObject.Counters(Frames.u64(basic, 0), packets, Frames.u32(queue, 0), Frames.u32(queue, 4),
                    Frames.u32(queue, 8), Frames.u32(queue, 12), Frames.u32(queue, 16));
        });
        return new TcObject(p.getInt(4), p.getInt(8), p.getInt(12), p.getInt(16), kind,
                options(kind, a.get(TCA_OPTIONS)), counters);
    }

    /**
     * The options' bytes as hex. An HTB qdisc counts the packets it sent past its classes in its options
     * ({@code tc_htb_glob.direct_pkts}); that count is zeroed, as tc's {@code direct_packets_stat} is left out.
     */
    static String options(String kind, ByteBuffer options) {
        if (options == null) {
            return "";
        }
        byte[] b = Frames.bytes(options);
        ByteBuffer init = kind.equals("htb") ? Frames.attributes(options, 0).get(TCA_HTB_INIT) : null;
        if (init != null && init.limit() >= 20) {
            int at = init.arrayOffset() - options.arrayOffset() + 16; // both slices of one array
            if (at >= 0 && at + 4 <= b.length) {
                java.util.Arrays.fill(b, at, at + 4, (byte) 0);
            }
        }
        return HexFormat.of().formatHex(b);
    }

    /** {@code struct inet_diag_req_v2} for the TCP sockets of one family, asking for tcp_info and the congestion control. */
    static byte[] tcpRequest(int family, int states) {
        ByteBuffer b = Frames.order(ByteBuffer.allocate(INET_DIAG_REQ_V2));
        b.put((byte) family).put((byte) IPPROTO_TCP);
        b.put((byte) ((1 << (INET_DIAG_INFO - 1)) | (1 << (INET_DIAG_CONG - 1)))).put((byte) 0);
        b.putInt(states);
        return b.array(); // the socket id stays zero: no filter
    }

    static Link link(ByteBuffer p) {
        Frames.require(p, IFINFOMSG, "ifinfomsg");
        int type = Short.toUnsignedInt(p.getShort(2));
        int index = p.getInt(4);
        int flags = p.getInt(8);
        Map<Integer, ByteBuffer> a = Frames.attributes(p, IFINFOMSG);
        String name = a.containsKey(IFLA_IFNAME) ? Frames.string(a.get(IFLA_IFNAME)) : "";
        ByteBuffer hw = a.get(IFLA_ADDRESS);
        String address = hw == null ? "" : HexFormat.ofDelimiter(":").formatHex(Frames.bytes(hw));
        ByteBuffer s = a.get(IFLA_STATS64);
        Optional<Link.Counters> counters = Optional.ofNullable(s).map(c -> new Link.Counters(Frames.u64(c, 0),
                Frames.u64(c, 8), Frames.u64(c, 16), Frames.u64(c, 24), Frames.u64(c, 32), Frames.u64(c, 40),
                Frames.u64(c, 48), Frames.u64(c, 56), Frames.u64(c, 64), Frames.u64(c, 72), Frames.u64(c, 88),
                Frames.u64(c, 136)));
        return new Link(index, name, type, flags, Frames.u32(a.get(IFLA_MTU), 0), optionalU32(a.get(IFLA_MIN_MTU)),
                optionalU32(a.get(IFLA_MAX_MTU)), Frames.u8(a.get(IFLA_OPERSTATE), 0),
                address, counters);
    }

    static Address address(ByteBuffer p) {
        Frames.require(p, IFADDRMSG, "ifaddrmsg");
        int family = Frames.u8(p, 0);
        Map<Integer, ByteBuffer> a = Frames.attributes(p, IFADDRMSG);
        String address = inet(a.get(IFA_ADDRESS));
        String local = inet(a.get(IFA_LOCAL));
        // IPv6 sends only IFA_ADDRESS; with both, IFA_ADDRESS is the peer of a point-to-point address
        String peer = !local.isEmpty() && !address.isEmpty() && !address.equals(local) ? address : "";
        return new Address(family, p.getInt(4), Frames.u8(p, 1), Frames.u8(p, 3), local.isEmpty() ? address : local,
                peer, a.containsKey(IFA_LABEL) ? Frames.string(a.get(IFA_LABEL)) : "", inet(a.get(IFA_BROADCAST)));
    }

    static TcpSocket tcpSocket(ByteBuffer p) {
        Frames.require(p, INET_DIAG_MSG, "inet_diag_msg");
        int family = Frames.u8(p, 0);
        int length = family == AF_INET6 ? 16 : 4;
        byte[] src = new byte[length];
        byte[] dst = new byte[length];
        p.get(8, src);
        p.get(24, dst);
        Map<Integer, ByteBuffer> a = Frames.attributes(p, INET_DIAG_MSG);
        ByteBuffer cong = a.get(INET_DIAG_CONG);
        return new TcpSocket(family, Frames.u8(p, 1), InetText.of(src), port(p, 4), InetText.of(dst), port(p, 6),
                p.getInt(40), cong == null ? "" : Frames.string(cong), Optional.ofNullable(a.get(INET_DIAG_INFO)).map(Messages::info));
    }

    /** {@code struct tcp_info} at the offsets of linux/tcp.h; what an older kernel leaves out reads as 0. */
    static TcpSocket.Info info(ByteBuffer i) {
        return new TcpSocket.Info(Frames.u8(i, 0), Frames.u32(i, 68), Frames.u32(i, 72), Frames.u32(i, 80),
                Frames.u32(i, 36), Frames.u32(i, 100), Frames.u64(i, 160), Frames.u32(i, 148), Frames.u64(i, 120),
                Frames.u64(i, 128), Frames.u32(i, 156), Frames.u32(i, 216), Frames.u16(i, 240));
    }

    private static long optionalU32(ByteBuffer a) {
        return a == null || a.limit() < 4 ? -1 : Frames.u32(a, 0);
    }

    /** Ports in the socket id are in network byte order, whatever the host's. */
    private static int port(ByteBuffer p, int at) {
        return (Byte.toUnsignedInt(p.get(at)) << 8) | Byte.toUnsignedInt(p.get(at + 1));
    }

    private static String inet(ByteBuffer a) {
        if (a == null) {
            return "";
        }
        String s = InetText.of(Frames.bytes(a));
        return s == null ? "" : s;
    }
}
