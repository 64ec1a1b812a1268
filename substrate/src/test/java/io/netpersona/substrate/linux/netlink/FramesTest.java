package io.netpersona.substrate.linux.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The framing of dumps: where they end, what is skipped, and short or hostile datagrams refused. */
class FramesTest {
    private static final int SEQ = 7;
    private final List<ByteBuffer> into = new ArrayList<>();

    private static byte[] link(int index) {
        return Bytes.message(Messages.RTM_NEWLINK, Frames.NLM_F_MULTI, SEQ,
                new Bytes().raw(Bytes.le(16).putInt(4, index).array()).attr(3, "eth" + index).bytes());
    }

    @Test
    void aDumpSpreadOverDatagramsEndsAtDone() {
        assertThat(Frames.read(Bytes.datagram(link(1), link(2)), SEQ, Messages.RTM_NEWLINK, into)).isFalse();
        assertThat(Frames.read(Bytes.datagram(link(3), Bytes.message(Frames.NLMSG_DONE, Frames.NLM_F_MULTI, SEQ,
                Bytes.le(4).putInt(0).array())), SEQ, Messages.RTM_NEWLINK, into)).isTrue();
        assertThat(into).extracting(p -> Messages.link(p).name()).containsExactly("eth1", "eth2", "eth3");
    }

    @Test
    void messagesOfAnEarlierRequestOrAnotherTypeAreSkipped() {
        byte[] stale = Bytes.message(Messages.RTM_NEWLINK, Frames.NLM_F_MULTI, SEQ - 1, new byte[16]);
        byte[] staleDone = Bytes.message(Frames.NLMSG_DONE, Frames.NLM_F_MULTI, SEQ - 1, new byte[4]);
        byte[] other = Bytes.message(Messages.RTM_NEWADDR, Frames.NLM_F_MULTI, SEQ, new byte[8]);
        byte[] noop = Bytes.message(Frames.NLMSG_NOOP, 0, SEQ, new byte[0]);
        assertThat(Frames.read(Bytes.datagram(stale, staleDone, other, noop, link(5)), SEQ, Messages.RTM_NEWLINK, into)).isFalse();
        assertThat(into).hasSize(1);
    }

    @Test
    void theKernelsErrorCarriesItsErrno() {
        byte[] eperm = Bytes.message(Frames.NLMSG_ERROR, 0, SEQ, Bytes.le(20).putInt(-1).array());
        assertThatThrownBy(() -> Frames.read(Bytes.datagram(eperm), SEQ, Messages.RTM_NEWLINK, into))
                .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(1))
                .hasMessageContaining("errno 1");
        byte[] ack = Bytes.message(Frames.NLMSG_ERROR, 0, SEQ, Bytes.le(20).putInt(0).array());
        assertThat(Frames.read(Bytes.datagram(ack), SEQ, Messages.RTM_NEWLINK, into)).isTrue();
        byte[] failedDump = Bytes.message(Frames.NLMSG_DONE, Frames.NLM_F_MULTI, SEQ, Bytes.le(4).putInt(-16).array());
        assertThatThrownBy(() -> Frames.read(Bytes.datagram(failedDump), SEQ, Messages.RTM_NEWLINK, into))
                .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(16));
        byte[] shortError = Bytes.message(Frames.NLMSG_ERROR, 0, SEQ, new byte[2]);
        assertThatThrownBy(() -> Frames.read(Bytes.datagram(shortError), SEQ, Messages.RTM_NEWLINK, into))
                .hasMessageContaining("truncated");
        byte[] overrun = Bytes.message(Frames.NLMSG_OVERRUN, 0, SEQ, new byte[0]);
        assertThatThrownBy(() -> Frames.read(Bytes.datagram(overrun), SEQ, Messages.RTM_NEWLINK, into))
                .hasMessageContaining("overrun");
    }

    @Test
    void lengthsThatDoNotFitTheDatagramAreRefused() {
        byte[] m = link(1);
        for (int bad : new int[] {0, 15, m.length + 1, Integer.MAX_VALUE, -1}) {
            byte[] copy = m.clone();
            Bytes.le(4).putInt(bad).flip().get(copy, 0, 4);
            assertThatThrownBy(() -> Frames.read(Bytes.datagram(copy), SEQ, Messages.RTM_NEWLINK, into))
                    .isInstanceOf(NetlinkException.class).hasMessageContaining("malformed netlink message");
        }
        byte[] cut = java.util.Arrays.copyOf(m, m.length - 4); // the datagram ends inside the message
        assertThatThrownBy(() -> Frames.read(ByteBuffer.wrap(cut), SEQ, Messages.RTM_NEWLINK, into))
                .isInstanceOf(NetlinkException.class);
        // fewer bytes than a header: nothing to read, and the dump is not over
        assertThat(Frames.read(ByteBuffer.wrap(new byte[10]), SEQ, Messages.RTM_NEWLINK, into)).isFalse();
        assertThat(into).isEmpty();
    }

    @Test
    void attributesAreBoundedByTheirMessage() {
        ByteBuffer ok = ByteBuffer.wrap(new Bytes().raw(new byte[4]).attr(3, "x").u32attr(0x8000 | 4, 9).bytes());
        assertThat(Frames.attributes(Frames.order(ok), 4)).containsOnlyKeys(3, 4); // the nested flag is not part of the type
        byte[] tooLong = new Bytes().attr(3, "abc").bytes();
        Bytes.le(2).putShort((short) 200).flip().get(tooLong, 0, 2);
        assertThatThrownBy(() -> Frames.attributes(Frames.order(ByteBuffer.wrap(tooLong)), 0))
                .isInstanceOf(NetlinkException.class).hasMessageContaining("malformed attribute");
        byte[] tooShort = new Bytes().attr(3, "abc").bytes();
        Bytes.le(2).putShort((short) 2).flip().get(tooShort, 0, 2);
        assertThatThrownBy(() -> Frames.attributes(Frames.order(ByteBuffer.wrap(tooShort)), 0))
                .isInstanceOf(NetlinkException.class);
        // an attribute header cut short at the end is padding, not an attribute
        assertThat(Frames.attributes(Frames.order(ByteBuffer.wrap(new byte[] {8, 0, 3})), 0)).isEmpty();
    }

    @Test
    void aStringWithoutItsNulIsReadToItsEnd() {
        assertThat(Frames.string(ByteBuffer.wrap("cubic".getBytes()))).isEqualTo("cubic");
        assertThat(Frames.string(ByteBuffer.wrap("bbr\0junk".getBytes()))).isEqualTo("bbr");
    }

    @Test
    void aRequestIsOneAlignedMessageAskingForADump() {
        ByteBuffer r = Frames.order(ByteBuffer.wrap(Frames.request(Messages.SOCK_DIAG_BY_FAMILY, 42,
                Messages.tcpRequest(Messages.AF_INET6, Messages.SS_CONN_STATES))));
        assertThat(r.getInt(0)).isEqualTo(16 + 56);
        assertThat(r.getShort(4)).isEqualTo((short) 20);
        assertThat(r.getShort(6)).isEqualTo((short) 0x301);
        assertThat(r.getInt(8)).isEqualTo(42);
        assertThat(r.get(16)).isEqualTo((byte) 10);
        assertThat(r.get(17)).isEqualTo((byte) 6);
        assertThat(r.get(18)).isEqualTo((byte) 0x0a); // INET_DIAG_INFO and INET_DIAG_CONG
        // ss -t: no LISTEN (10), CLOSE (7), TIME-WAIT (6) or SYN-RECV (3)
        assertThat(r.getInt(20)).isEqualTo(0xfff & ~0x04c8);
    }
}
