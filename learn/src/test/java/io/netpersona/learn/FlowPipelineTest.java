package io.netpersona.learn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decoding on a thread of its own ({@link FlowPipeline}) gives exactly what one thread gives: the same
 * flows in the same order, the same counts, the same problem. Reads of a few KiB make the window move to
 * another buffer inside nearly every flow, many times per capture.
 */
class FlowPipelineTest {
    private static final int SMALL_READS = 4096;
    /** Mapped windows of a few KiB: a record crosses a window's end every few frames. */
    private static final int SMALL_WINDOWS = FlowPipeline.mapped(4096);

    /** @param heard what the packet listener heard: packets, and a checksum of their order and contents */
    private record Outcome(List<Flow> flows, CaptureSummary summary, List<Long> heard) {
    }

    /** A listener that folds every packet's time, ports, lengths and payload head into a checksum. */
    private static final class Hearing implements PacketListener {
        long packets, sum;

        @Override
        public void packet(Packet p) {
            packets++;
            long v = p.timestampNanos() * 31 + p.srcPort() * 7L + p.dstPort() + p.capturedLength() * 131L;
            if (p.payloadLength > 0) {
                v += p.buffer().get(p.payloadOffset);
            }
            sum = sum * 1_000_003L + v;
        }

        List<Long> result() {
            return List.of(packets, sum);
        }
    }

    private static Outcome oneThread(Path file, FlowMeter.Options options) {
        List<Flow> flows = new ArrayList<>();
        Hearing h = new Hearing();
        CaptureSummary s = Flows.readOnOneThread(file, options, flows::add, h, Flows.Progress.NONE);
        return new Outcome(flows, s, h.result());
    }

    private static Outcome twoThreads(Path file, FlowMeter.Options options, int readBytes) {
        List<Flow> flows = new ArrayList<>();
        Hearing h = new Hearing();
        CaptureSummary s = FlowPipeline.read(file, options, flows::add, h, Flows.Progress.NONE, readBytes);
        return new Outcome(flows, s, h.result());
    }

    private static void assertSame(Path file, FlowMeter.Options options, int readBytes) {
        Outcome one = oneThread(file, options);
        Outcome two = twoThreads(file, options, readBytes);
        assertThat(two.summary()).as("summary of %s", file.getFileName()).isEqualTo(one.summary());
        assertThat(two.flows()).as("flows of %s", file.getFileName()).isEqualTo(one.flows());
        assertThat(two.heard()).as("packets heard in %s", file.getFileName()).isEqualTo(one.heard());
    }

    /** The flows handed to the sink on a thread of its own are those one thread gives, in the same order. */
    private static void assertSameHandedOff(Path file, FlowMeter.Options options, int readBytes) {
        List<Flow> one = new ArrayList<>();
        CaptureSummary s = Flows.readOnOneThread(file, options, one::add, PacketListener.NONE, Flows.Progress.NONE);
        List<Flow> handed = new ArrayList<>();
        java.util.Set<String> threads = new java.util.HashSet<>();
        CaptureSummary h = FlowPipeline.readHandingOff(file, options, f -> {
            threads.add(Thread.currentThread().getName());
            handed.add(f);
        }, Flows.Progress.NONE, readBytes);
        assertThat(h).as("summary of %s", file.getFileName()).isEqualTo(s);
        assertThat(handed).as("flows of %s", file.getFileName()).isEqualTo(one);
        assertThat(threads).as("threads the sink ran on").allMatch(t -> t.startsWith("flows of "));
    }

    @Test
    void everySharedCaptureGivesTheSameFlowsAndCounts() {
        List<Path> all = TrainingData.captures();
        assertThat(all).hasSizeGreaterThan(400);
        long frames = 0;
        for (Path file : all) {
            if (!Files.isRegularFile(file) || !isCapture(file)) {
                continue;
            }
            assertSame(file, FlowMeter.Options.DEFAULTS, SMALL_READS);
            assertSame(file, FlowMeter.Options.DEFAULTS, SMALL_WINDOWS);
            assertSameHandedOff(file, FlowMeter.Options.DEFAULTS.withArp(true), SMALL_READS);
            frames += oneThread(file, FlowMeter.Options.DEFAULTS).summary().stats().frames();
        }
        assertThat(frames).as("frames compared").isGreaterThan(50_000);
    }

    static boolean isCapture(Path file) {
        try {
            CaptureReader.open(file).close();
            return true;
        } catch (CaptureException e) {
            return false;
        }
    }

    @Test
    void aFileConcatenatedFromSeveralGivesTheSameFlows(@TempDir Path dir) throws IOException {
        Path joined = concatenated(dir, 2);
        Outcome one = oneThread(joined, FlowMeter.Options.DEFAULTS);
        assertThat(one.summary().stats().frames()).as("frames of the joined capture").isGreaterThan(40_000);
        assertThat(one.flows()).as("flows with thousands of packets, cut by many buffer moves")
                .anyMatch(f -> f.packets() > 1000);
        for (int readBytes : new int[] {SMALL_READS, 64 * 1024, ChunkedInput.READ_BYTES, SMALL_WINDOWS,
                FlowPipeline.mapped(CaptureReader.BUFFER_BYTES)}) {
            assertSame(joined, FlowMeter.Options.DEFAULTS, readBytes);
        }
        // a small table and short timeouts: evictions, idle scans and reopened connections happen mid-file
        FlowMeter.Options busy = FlowMeter.Options.DEFAULTS.withMaxFlows(64)
                .withTimeouts(java.time.Duration.ofSeconds(2), java.time.Duration.ofMillis(200));
        Outcome small = oneThread(joined, busy);
        assertThat(small.summary().stats().evicted()).as("evictions in the busy setting").isPositive();
        assertSame(joined, busy, SMALL_READS);
        assertSame(joined, busy, SMALL_WINDOWS);
        assertSameHandedOff(joined, FlowMeter.Options.DEFAULTS, ChunkedInput.READ_BYTES);
        assertSameHandedOff(joined, busy, SMALL_WINDOWS);
        assertSameHandedOff(joined, busy, SMALL_READS);
    }

    @Test
    void aSinkOnItsOwnThreadThatFailsStopsTheReadingWithItsException(@TempDir Path dir) throws IOException {
        Path joined = concatenated(dir, 1);
        FlowMeter.Options busy = FlowMeter.Options.DEFAULTS.withMaxFlows(64);
        List<Flow> flows = new ArrayList<>();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FlowPipeline.readHandingOff(joined, busy, f -> {
            if (flows.size() == 10) {
                throw new IllegalStateException("the sink is full");
            }
            flows.add(f);
        }, Flows.Progress.NONE, SMALL_READS)).isInstanceOf(IllegalStateException.class).hasMessage("the sink is full");
        assertThat(flows).hasSize(10);
        assertThat(Thread.getAllStackTraces().keySet()).as("threads left behind")
                .noneMatch(t -> t.isAlive() && (t.getName().startsWith("flows of ") || t.getName().startsWith("decode ")));
    }

    @Test
    void aBrokenFileStopsAtTheSameFrameWithTheSameMessage(@TempDir Path dir) throws IOException {
        Path joined = concatenated(dir, 1);
        byte[] bytes = Files.readAllBytes(joined);
        Path cut = dir.resolve("cut.pcap");
        // cut in the middle of a record, far into the file
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2 + 7));
        Outcome one = oneThread(cut, FlowMeter.Options.DEFAULTS);
        assertThat(one.summary().problem()).as("the cut file's problem").isPresent();
        assertSame(cut, FlowMeter.Options.DEFAULTS, SMALL_READS);
        assertSame(cut, FlowMeter.Options.DEFAULTS, SMALL_WINDOWS);
    }

    @Test
    void aSinkThatFailsStopsBothThreadsWithTheSameMessage(@TempDir Path dir) throws IOException {
        Path joined = concatenated(dir, 1);
        FlowMeter.Options busy = FlowMeter.Options.DEFAULTS.withMaxFlows(64);
        List<String> problems = new ArrayList<>();
        List<Integer> delivered = new ArrayList<>();
        for (boolean two : new boolean[] {false, true}) {
            List<Flow> flows = new ArrayList<>();
            boolean[] failed = {false};
            Consumer<Flow> sink = f -> {
                if (flows.size() == 10 && !failed[0]) {
                    // once: the flows still open at the end are handed over after the failure
                    failed[0] = true;
                    throw new IllegalStateException("the sink is full");
                }
                flows.add(f);
            };
            CaptureSummary s = two
                    ? FlowPipeline.read(joined, busy, sink, PacketListener.NONE, Flows.Progress.NONE, SMALL_READS)
                    : Flows.readOnOneThread(joined, busy, sink, PacketListener.NONE, Flows.Progress.NONE);
            problems.add(s.problem().orElse("none"));
            delivered.add(flows.size());
        }
        assertThat(problems.get(0)).contains("internal error: java.lang.IllegalStateException: the sink is full");
        assertThat(problems.get(1)).isEqualTo(problems.get(0));
        assertThat(delivered.get(1)).isEqualTo(delivered.get(0)).isGreaterThan(10);
    }

    @Test
    void readDecodesOnASecondThreadOnlyFromTheThreshold(@TempDir Path dir) throws IOException {
        Path big = concatenated(dir, 2);
        assertThat(Files.size(big)).as("the joined capture").isGreaterThanOrEqualTo(Flows.TWO_THREADS_FROM);
        Path small = TrainingData.captures().stream().filter(f -> f.getFileName().toString().endsWith(".pcap")).findFirst()
                .orElseThrow();
        assertThat(Files.size(small)).isLessThan(Flows.TWO_THREADS_FROM);
        assertThat(decodingThreadSeen(big)).as("a decoding thread while %s is read", big.getFileName()).isTrue();
        assertThat(decodingThreadSeen(small)).as("a decoding thread while %s is read", small.getFileName()).isFalse();
    }

    /**
     * Whether a thread decodes {@code file} while the reading reports progress or hands over flows (the first
     * report comes after {@link Flows#PROGRESS_FRAMES} frames, long before the decoding thread is done).
     */
    private static boolean decodingThreadSeen(Path file) {
        String name = "decode " + file.getFileName();
        boolean[] seen = {false};
        Runnable look = () -> seen[0] |= Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(name) && t.isAlive());
        CaptureSummary s = Flows.read(file, FlowMeter.Options.DEFAULTS, f -> look.run(), (f, read, size, frames) -> look.run());
        assertThat(s.complete()).isTrue();
        return seen[0];
    }

    /**
     * The records of the shared Ethernet pcaps (microseconds, little-endian) one after another, {@code rounds}
     * times, into one pcap: conversations of thousands of packets and the same flows again later.
     */
    static Path concatenated(Path dir, int rounds) throws IOException {
        List<byte[]> sources = new ArrayList<>();
        for (Path file : TrainingData.captures()) {
            byte[] b = Files.readAllBytes(file);
            if (b.length > 24 && ByteBuffer.wrap(b, 0, 24).getInt() == 0xd4c3b2a1
                    && ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(20) == LinkType.ETHERNET
                    && !SharedCapturesTest.malformedOnPurpose(file) && oneThread(file, FlowMeter.Options.DEFAULTS)
                            .summary().complete()) {
                sources.add(b);
            }
        }
        assertThat(sources).as("Ethernet pcaps among the shared captures").hasSizeGreaterThan(20);
        Path out = dir.resolve("joined-" + rounds + ".pcap");
        try (OutputStream o = Files.newOutputStream(out)) {
            o.write(sources.get(0), 0, 24);
            for (int r = 0; r < rounds; r++) {
                for (byte[] b : sources) {
                    o.write(b, 24, b.length - 24);
                }
            }
        }
        return out;
    }
}
