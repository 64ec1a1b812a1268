package io.netpersona.learn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decoding thread metering some shards of the flow table while the other thread meters the rest gives
 * exactly what one meter on one thread gives: the same flows, every field of each, in the same order, and
 * the same counts. Mapped windows of 4 KiB end a batch every dozen frames or so, so a long flow has packets
 * in thousands of batches, and the two meters' ended flows interleave inside batches.
 */
class ShardedPipelineTest {
    private static final int SMALL_WINDOWS = FlowPipeline.mapped(4096);

    private static List<Flow> assertSame(Path file, FlowMeter.Options options, int readBytes, int decoderShards) {
        List<Flow> one = new ArrayList<>();
        CaptureSummary s = Flows.readOnOneThread(file, options, one::add, PacketListener.NONE, Flows.Progress.NONE);
        List<Flow> split = new ArrayList<>();
        CaptureSummary h = FlowPipeline.readHandingOff(file, options, split::add, Flows.Progress.NONE, readBytes,
                decoderShards);
        assertThat(h).as("summary of %s, %d shards on the decoding thread", file.getFileName(), decoderShards)
                .isEqualTo(s);
        assertThat(split).as("flows of %s, %d shards on the decoding thread", file.getFileName(), decoderShards)
                .isEqualTo(one);
        return one;
    }

    @Test
    void everySharedCaptureTheMalformedOnesIncludedGivesTheSameFlows() {
        long flows = 0, malformed = 0;
        for (Path file : TrainingData.captures()) {
            if (!Files.isRegularFile(file) || !FlowPipelineTest.isCapture(file)) {
                continue;
            }
            flows += assertSame(file, FlowMeter.Options.DEFAULTS.withArp(true), SMALL_WINDOWS, 7).size();
            if (SharedCapturesTest.malformedOnPurpose(file)) {
                malformed++;
            }
        }
        assertThat(flows).as("flows compared").isGreaterThan(5_000);
        assertThat(malformed).as("fuzz, ossfuzz and badpackets captures compared").isGreaterThan(5);
    }

    @Test
    void aJoinedCaptureGivesTheSameFlowsWhateverShardsEachThreadMeters(@TempDir Path dir) throws IOException {
        Path joined = FlowPipelineTest.concatenated(dir, 2);
        for (int shards : new int[] {1, 8, 15, 16}) {
            List<Flow> flows = assertSame(joined, FlowMeter.Options.DEFAULTS.withArp(true), SMALL_WINDOWS, shards);
            assertThat(flows).as("flows of thousands of packets, over many windows").anyMatch(f -> f.packets() > 1000);
        }
        assertSame(joined, FlowMeter.Options.DEFAULTS, FlowPipeline.mapped(CaptureReader.BUFFER_BYTES), 4);
        // a small table and short timeouts: evictions, idle scans and reopened connections in both meters
        FlowMeter.Options busy = FlowMeter.Options.DEFAULTS.withMaxFlows(64)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(200));
        for (int shards : new int[] {3, 8}) {
            List<Flow> flows = assertSame(joined, busy, SMALL_WINDOWS, shards);
            assertThat(flows).extracting(Flow::end).as("how the busy setting's flows end")
                    .contains(Flow.End.EVICTED, Flow.End.IDLE, Flow.End.CAPTURE_END);
        }
    }

    /**
     * Two meters that each keep half the shards, fed the same frames, end between them the flows one meter ends
     * (each of them some), with the DNS names of answers that the other meter's flows carried.
     */
    @Test
    void twoMetersOfHalfTheShardsEachEndTheFlowsOfOne(@TempDir Path dir) throws IOException {
        Path joined = FlowPipelineTest.concatenated(dir, 1);
        List<Flow> one = new ArrayList<>(), low = new ArrayList<>(), high = new ArrayList<>();
        FlowMeter.Options o = FlowMeter.Options.DEFAULTS;
        FlowMeter all = new FlowMeter("j", o, one::add);
        int half = (1 << (FlowMeter.SHARDS / 2)) - 1;
        FlowMeter a = new FlowMeter("j", o, low::add, PacketListener.NONE, half);
        FlowMeter b = new FlowMeter("j", o, high::add, PacketListener.NONE, FlowMeter.ALL_SHARDS & ~half);
        try (CaptureReader r = CaptureReader.open(joined)) {
            Frame f = new Frame();
            while (r.next(f)) {
                all.accept(f);
                a.accept(f);
                b.accept(f);
            }
        }
        all.finish();
        a.finish();
        b.finish();
        assertThat(low).as("flows of the low shards").isNotEmpty();
        assertThat(high).as("flows of the high shards").isNotEmpty();
        assertThat(one).as("flows with a name from another flow's DNS answer").anyMatch(f -> !f.names().dnsName().isEmpty());
        List<Flow> both = new ArrayList<>(low);
        both.addAll(high);
        Comparator<Flow> byText = Comparator.comparing(Flow::toString);
        assertThat(both.stream().sorted(byText).toList()).isEqualTo(one.stream().sorted(byText).toList());
    }
}
