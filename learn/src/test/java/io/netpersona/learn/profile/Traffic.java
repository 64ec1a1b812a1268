package io.netpersona.learn.profile;

import io.netpersona.learn.FlowMeter;
import io.netpersona.learn.Frame;
import io.netpersona.learn.LinkType;
import io.netpersona.learn.classify.FlowClassifier;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/**
 * Raw IPv4 packets written straight into a {@link FlowMeter} that feeds a {@link ProfileBuilder}: applications
 * made up packet by packet, with a clock the test moves.
 */
public final class Traffic {
    public static final int SYN = 0x02, ACK = 0x10, PSH = 0x08, FIN = 0x01;
    private final FlowMeter meter;
    public final ProfileBuilder profile;
    private final Frame frame = new Frame();
    private final ByteBuffer buf = ByteBuffer.allocate(2048);
    public long now = 1_700_000_000_000_000_000L;

    public Traffic(Selection selection, FlowClassifier classifier) {
        profile = new ProfileBuilder(selection, classifier);
        meter = new FlowMeter("test.pcap", FlowMeter.Options.DEFAULTS, profile, profile.packets());
    }

    public Traffic at(long nanos) {
        now = nanos;
        return this;
    }

    public Traffic advance(long nanos) {
        now += nanos;
        return this;
    }

    public Traffic udp(String src, int sport, String dst, int dport, int payload) {
        byte[] t = new byte[8 + payload];
        ByteBuffer.wrap(t).putShort((short) sport).putShort((short) dport).putShort((short) (8 + payload));
        return ip(src, dst, 17, t);
    }

    public Traffic tcp(String src, int sport, String dst, int dport, int flags, int payload) {
        byte[] t = new byte[20 + payload];
        ByteBuffer.wrap(t).putShort((short) sport).putShort((short) dport).putInt(1000).putInt(flags == SYN ? 0 : 1)
                .put((byte) (5 << 4)).put((byte) flags).putShort((short) 65535);
        return ip(src, dst, 6, t);
    }

    /** A TCP connection's handshake, client first. */
    public Traffic connect(String client, int cport, String server, int sport) {
        tcp(client, cport, server, sport, SYN, 0);
        advance(100_000);
        tcp(server, sport, client, cport, SYN | ACK, 0);
        advance(100_000);
        return tcp(client, cport, server, sport, ACK, 0);
    }

    private Traffic ip(String src, String dst, int protocol, byte[] transport) {
        buf.clear();
        buf.put((byte) 0x45).put((byte) 0).putShort((short) (20 + transport.length)).putShort((short) 1)
                .putShort((short) 0x4000).put((byte) 64).put((byte) protocol).putShort((short) 0)
                .put(addr(src)).put(addr(dst)).put(transport);
        int len = buf.position();
        meter.accept(frame.set(buf, 0, len, len, now, LinkType.RAW));
        return this;
    }

    public Profile finish() {
        meter.finish();
        return profile.build();
    }

    static byte[] addr(String ip) {
        return InetAddress.ofLiteral(ip).getAddress();
    }
}
