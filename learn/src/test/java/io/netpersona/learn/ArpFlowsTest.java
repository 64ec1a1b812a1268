package io.netpersona.learn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ARP flows on the shared captures, against a count made here without the decoder: every Ethernet or Linux
 * SLL frame whose EtherType (behind any VLAN tags) is ARP for IPv4, grouped by VLAN and the unordered pair of
 * sender and target protocol addresses. nDPI lists no ARP, so labels.csv cannot say what these flows are.
 */
class ArpFlowsTest {
    private static final FlowMeter.Options WITH_ARP = FlowMeter.Options.DEFAULTS.withArp(true);

    /** What the independent count found for one conversation: its packets, and the first sender. */
    private record Seen(long packets, long firstSender) {
    }

    @Test
    void arpFramesOfTheSharedCapturesAreFlowsBetweenSenderAndTarget() {
        int filesWithArp = 0;
        long arpFrames = 0;
        for (Path file : TrainingData.captures()) {
            if (SharedCapturesTest.malformedOnPurpose(file)) {
                continue;
            }
            Map<List<Long>, Seen> expected = countArp(file);
            List<Flow> withArp = new ArrayList<>();
            List<Flow> without = new ArrayList<>();
            try {
                Flows.readOnOneThread(file, WITH_ARP, withArp::add, PacketListener.NONE, Flows.Progress.NONE);
                Flows.readOnOneThread(file, FlowMeter.Options.DEFAULTS, without::add, PacketListener.NONE,
                        Flows.Progress.NONE);
            } catch (CaptureException e) {
                // not a capture the reader takes: the independent count found nothing in it either
                assertThat(expected).as(file.toString()).isEmpty();
                continue;
            }
            Map<List<Long>, Seen> found = new HashMap<>();
            for (Flow f : withArp) {
                if (f.protocol() == Packet.ARP) {
                    assertThat(f.srcPort()).isZero();
                    assertThat(f.dstPort()).isZero();
                    assertThat(f.protocolName()).isEqualTo("ARP");
                    long src = v4(f.srcAddress().getAddress()), dst = v4(f.dstAddress().getAddress());
                    Seen before = found.put(key(f.vlan(), src, dst), new Seen(f.packets(), src));
                    assertThat(before).as(file + ": one flow per conversation").isNull();
                }
            }
            assertThat(found).as(file.toString()).isEqualTo(expected);
            // the other flows are those of a meter without ARP, in the same order
            assertThat(withArp.stream().filter(f -> f.protocol() != Packet.ARP).toList()).as(file.toString())
                    .isEqualTo(without);
            if (!expected.isEmpty()) {
                filesWithArp++;
                arpFrames += expected.values().stream().mapToLong(Seen::packets).sum();
            }
        }
        // the shared captures hold ARP in many files (an Ethernet LAN's ordinary background)
        assertThat(filesWithArp).isGreaterThanOrEqualTo(10);
        assertThat(arpFrames).isGreaterThanOrEqualTo(400);
    }

    @Test
    void arpDoesNotChangeWhenIpFlowsEndInAJoinedCapture(@org.junit.jupiter.api.io.TempDir Path dir)
            throws java.io.IOException {
        // files one after another: their clocks jump back and forth, ARP's with them
        Path joined = FlowPipelineTest.concatenated(dir, 1);
        FlowMeter.Options busy = FlowMeter.Options.DEFAULTS.withTimeouts(java.time.Duration.ofSeconds(30),
                java.time.Duration.ofSeconds(5));
        for (FlowMeter.Options o : List.of(FlowMeter.Options.DEFAULTS, busy)) {
            List<Flow> withArp = new ArrayList<>();
            List<Flow> without = new ArrayList<>();
            Flows.readOnOneThread(joined, o.withArp(true), withArp::add, PacketListener.NONE, Flows.Progress.NONE);
            Flows.readOnOneThread(joined, o, without::add, PacketListener.NONE, Flows.Progress.NONE);
            assertThat(withArp).as("ARP flows").anyMatch(f -> f.protocol() == Packet.ARP);
            assertThat(withArp.stream().filter(f -> f.protocol() != Packet.ARP).toList()).isEqualTo(without);
        }
    }

    private static Map<List<Long>, Seen> countArp(Path file) {
        Map<List<Long>, Seen> out = new HashMap<>();
        Frame frame = new Frame();
        try (CaptureReader reader = CaptureReader.open(file)) {
            while (reader.next(frame)) {
                ByteBuffer b = frame.buffer;
                int at = frame.offset, end = at + frame.capturedLength;
                if (frame.originalLength < frame.capturedLength || frame.originalLength > PacketDecoder.MAX_WIRE_LENGTH) {
                    continue; // a damaged record, whose bytes no tool trusts
                }
                int type;
                switch (frame.linkType) {
                    case LinkType.ETHERNET -> {
                        type = end - at >= 14 ? b.getShort(at + 12) & 0xffff : -1;
                        at += 14;
                    }
                    case LinkType.LINUX_SLL -> {
                        type = end - at >= 16 ? b.getShort(at + 14) & 0xffff : -1;
                        at += 16;
                    }
                    default -> type = -1;
                }
                int vlan = -1;
                while ((type == 0x8100 || type == 0x88a8) && end - at >= 4) {
                    vlan = b.getShort(at) & 0xfff;
                    type = b.getShort(at + 2) & 0xffff;
                    at += 4;
                }
                if (type != 0x0806 || end - at < 8 || (b.getShort(at + 2) & 0xffff) != 0x0800 || b.get(at + 5) != 4) {
                    continue;
                }
                int hardware = b.get(at + 4) & 0xff;
                if (end - at < 8 + 2 * hardware + 8) {
                    continue;
                }
                long sender = b.getInt(at + 8 + hardware) & 0xffffffffL;
                long target = b.getInt(at + 12 + 2 * hardware) & 0xffffffffL;
                out.merge(key(vlan, sender, target), new Seen(1, sender),
                        (old, one) -> new Seen(old.packets() + 1, old.firstSender()));
            }
        } catch (CaptureException e) {
            // broken in the middle: the meter stops there as well
        }
        return out;
    }

    private static List<Long> key(int vlan, long a, long b) {
        return List.of((long) vlan, Math.min(a, b), Math.max(a, b));
    }

    private static long v4(byte[] a) {
        assertThat(a).hasSize(4);
        return ByteBuffer.wrap(a).getInt() & 0xffffffffL;
    }
}
