package io.netpersona.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A capture read from a stream (a live capture's pipe) gives what the same bytes give as a file. */
class StreamReadingTest {

    @Test
    void aStreamGivesTheSameFlowsAsTheFile() throws IOException {
        for (String name : List.of("ah.pcapng", "dns.pcap", "443-chrome.pcap")) {
            Path file = TrainingData.capture(name);
            assertThat(file).as("a shared capture").exists();
            List<Flow> fromFile = new ArrayList<>(), fromStream = new ArrayList<>();
            CaptureSummary a = Flows.read(file, fromFile::add);
            CaptureSummary b;
            // a stream that hands out a few bytes at a time, as a pipe does
            try (InputStream in = new Trickle(Files.readAllBytes(file))) {
                b = Flows.read(in, file.getFileName().toString(), FlowMeter.Options.DEFAULTS, fromStream::add,
                        PacketListener.NONE, Flows.Progress.NONE);
            }
            assertThat(fromStream).as(name).isEqualTo(fromFile).isNotEmpty();
            assertThat(b.stats()).isEqualTo(a.stats());
            assertThat(b.fileBytes()).isEqualTo(a.fileBytes());
        }
    }

    @Test
    void aStreamThatIsNotACaptureSaysSo() {
        assertThatThrownBy(() -> Flows.read(new ByteArrayInputStream(new byte[0]), "live:x", FlowMeter.Options.DEFAULTS,
                f -> { }, PacketListener.NONE, Flows.Progress.NONE)).isInstanceOf(CaptureException.class)
                .hasMessage("live:x: not a capture: 0 bytes (expected: a pcap or pcapng file)");
    }

    @Test
    void skippingPastTheWindowReadsThroughAStream() throws IOException {
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        ChunkedInput in = new ChunkedInput(Channels.newChannel(new Trickle(data)), Path.of("s"), 64 * 1024);
        assertThat(in.request(10)).isTrue();
        assertThat(in.skip(200_000)).isTrue();
        assertThat(in.offset()).isEqualTo(200_000);
        assertThat(in.request(4)).isTrue();
        assertThat(in.buf.get(in.pos)).isEqualTo(data[200_000]);
        assertThat(in.skip(200_000)).isFalse();
    }

    @Test
    void wireLengthsCountWhatTheSnapshotCut() {
        byte[] payload = new byte[1000];
        byte[] packet = Synthetic.ipv4("10.0.0.1", "10.0.0.2", 17, Synthetic.udp(1000, 2000, payload));
        List<Flow> cut = new ArrayList<>(), wire = new ArrayList<>();
        for (boolean w : new boolean[] {false, true}) {
            FlowMeter m = new FlowMeter("x", FlowMeter.Options.DEFAULTS.withWireLengths(w), w ? wire::add : cut::add);
            // the capture kept 100 of the packet's 1028 bytes
            m.accept(new Frame().set(ByteBuffer.wrap(packet), 0, 100, packet.length, 1, LinkType.RAW));
            m.finish();
        }
        assertThat(cut.getFirst().forward().bytes()).isEqualTo(100);
        assertThat(wire.getFirst().forward().bytes()).isEqualTo(1028);
        assertThat(wire.getFirst().forward().payloadBytes()).isEqualTo(1000);
    }

    /** Hands out at most 1,000 bytes per read. */
    static final class Trickle extends ByteArrayInputStream {
        Trickle(byte[] b) {
            super(b);
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 1000));
        }
    }
}
