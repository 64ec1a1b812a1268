package io.netpersona.substrate.linux.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** tc lines as rtnetlink requests, and the scheduler clock's rounding, as tc (iproute2 6.1) has them. */
class TcRequestTest {
    /** /proc/net/psched of a kernel with high-resolution timers: 15.625 ticks per microsecond, HZ 10^9 for tc. */
    private final TcRequest.Clock clock = TcRequest.Clock.parse(List.of("000003e8", "00000040", "000f4240", "3b9aca00"));

    @Test
    void theClockRoundsAsTcDoes() {
        assertThat(clock.ticksPerMicrosecond()).isEqualTo(15.625);
        assertThat(clock.hz()).isEqualTo(1_000_000_000L);
        assertThat(clock.ticks(125_000, 1600)).isEqualTo(200_000); // 12800 us
        assertThat(clock.ticks(1_187_500_000, 1601)).as("1.35 us: whole microseconds first").isEqualTo(15);
        assertThat(clock.ticks(126_000, 1601)).isEqualTo(198_531); // 12706.3 us
    }

    @Test
    void anHtbClassCarriesItsBucketsInTicksAndRatesPast4GAside() {
        TcRequest r = TcRequest.parse("class replace dev up0 parent 1:1 classid 1:1013 htb rate 1000000bit ceil 40000000000bit"
                + " burst 1600b cburst 62500b prio 3", clock).orElseThrow();
        assertThat(r.type()).isEqualTo(TcRequest.RTM_NEWTCLASS);
        assertThat(r.flags()).isEqualTo(TcRequest.NLM_F_CREATE);
        assertThat(r.handle()).isEqualTo(0x11013);
        assertThat(r.parent()).isEqualTo(0x10001);
        ByteBuffer body = Frames.order(ByteBuffer.wrap(r.body(7)));
        assertThat(body.getInt(4)).isEqualTo(7);
        var options = Frames.attributes(Frames.attributes(body, 20).get(2), 0);
        assertThat(options.get(7).getLong(0)).as("ceil64").isEqualTo(5_000_000_000L);
        ByteBuffer opt = options.get(1);
        assertThat(opt.limit()).isEqualTo(44);
        assertThat(Integer.toUnsignedLong(opt.getInt(8))).isEqualTo(125_000);
        assertThat(opt.get(1)).as("link layer ethernet").isEqualTo((byte) 1);
        assertThat(opt.getInt(20)).as("ceil 32-bit: saturated").isEqualTo(-1);
        assertThat(opt.getInt(24)).as("buffer").isEqualTo(200_000);
        assertThat(opt.getInt(28)).as("cbuffer: 12 us").isEqualTo(187);
        assertThat(opt.getInt(40)).as("prio").isEqualTo(3);
    }

    @Test
    void aClassWithoutBucketsGetsTcsDefaultOfRateOverHzPlusTheMtu() {
        TcRequest r = TcRequest.parse("class replace dev up0 parent 1:1 classid 1:2 htb rate 475000000bit ceil 9500000000bit prio 4",
                clock).orElseThrow();
        ByteBuffer opt = Frames.attributes(Frames.attributes(Frames.order(ByteBuffer.wrap(r.body(1))), 20).get(2), 0).get(1);
        assertThat(opt.getInt(24)).isEqualTo(406); // 1600 b at 59375000 B/s: 26 us
        assertThat(opt.getInt(28)).isEqualTo(15); // 1601 b at 1187500000 B/s: 1 us
    }

    @Test
    void linesOfOtherShapesAreLeftToTc() {
        for (String line : List.of(
                "filter add dev ifb0 parent 1: protocol ip prio 1 u32 match ip dst 10.0.0.1/32 flowid 1:10",
                "qdisc add dev up0 root handle 1: htb default 2 r2q 5",
                "class replace dev up0 parent 1:1 classid 1:10 htb rate 1mbit ceil 2mbit",
                "class replace dev up0 parent 1:1 classid 1:10 htb rate 0bit ceil 2000bit",
                "qdisc replace dev up0 parent 1:10 handle 10: tbf rate 1000bit burst 5000000000b limit 10b",
                "qdisc add dev up0 ingress")) {
            assertThat(TcRequest.parse(line, clock)).as(line).isEmpty();
        }
        assertThat(TcRequest.parse("qdisc del dev up0 root", clock)).get().extracting(TcRequest::parent).isEqualTo(TcObject.ROOT);
        assertThat(TcRequest.parse("qdisc del dev up0 parent 1:10", clock)).get().extracting(TcRequest::parent).isEqualTo(0x10010);
    }

    @Test
    void anAcknowledgementNamesItsRequestAndTheKernelsReason() {
        byte[] request = Bytes.le(16).putInt(36).putShort((short) 40).putShort((short) 0x405).putInt(77).putInt(0).array();
        byte[] payload = new Bytes().raw(Bytes.le(4).putInt(-22).array()).raw(request).attr(1, "Invalid rate").bytes();
        ByteBuffer ack = Bytes.le(16 + payload.length).putInt(16 + payload.length).putShort((short) 2).putShort((short) 0x300)
                .putInt(77).putInt(0).put(payload);
        byte[] ok = Bytes.le(36).putInt(36).putShort((short) 2).putShort((short) 0x100).putInt(78).putInt(0).putInt(0)
                .put(Bytes.le(16).putInt(36).putShort((short) 40).putShort((short) 5).putInt(78).putInt(0).array()).array();
        ByteBuffer datagram = ByteBuffer.allocate(ack.capacity() + ok.length).put(ack.array()).put(ok).flip();
        assertThat(Frames.acks(datagram)).containsExactly(new Frames.Ack(77, 22, "Invalid rate"), new Frames.Ack(78, 0, ""));
    }
}
