package io.netpersona.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every file of the shared captures, the malformed ones included: read to the end or refused, never a crash or a hang. */
class SharedCapturesTest {
    /** Generous for a loaded machine: the largest file takes well under a second here. */
    private static final Duration PER_FILE = Duration.ofSeconds(20);
    private static final Set<DecodeResult> DAMAGE = EnumSet.of(DecodeResult.TRUNCATED_LINK, DecodeResult.TRUNCATED_IP,
            DecodeResult.BAD_IP_HEADER, DecodeResult.TRUNCATED_TRANSPORT, DecodeResult.BAD_TRANSPORT_HEADER,
            DecodeResult.TOO_DEEP, DecodeResult.UNSUPPORTED_LINK_TYPE, DecodeResult.UNKNOWN_INTERFACE,
            DecodeResult.BAD_FRAME_LENGTH);

    static Stream<Path> captures() {
        List<Path> all = TrainingData.captures();
        assertThat(all).as("the shared captures").hasSizeGreaterThan(400);
        return all.stream();
    }

    static boolean malformedOnPurpose(Path p) {
        String n = p.getFileName().toString();
        // the seeds of nDPI's fuzzer are sound up to the transport (tcpdump finds nothing wrong in them
        // either): whatever is odd about them is in application payloads, which a flow meter does not judge
        if (n.startsWith("ossfuzz_seed_fake_traces_")) {
            return false;
        }
        return n.startsWith("fuzz") || n.startsWith("ossfuzz") || n.startsWith("badpackets");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void readsToTheEndOrSaysWhereItBroke(Path file) {
        List<Flow> flows = new ArrayList<>();
        CaptureSummary s = assertTimeoutPreemptively(PER_FILE, () -> Flows.read(file, flows::add));
        s.problem().ifPresent(p -> assertThat(p).as("problem of %s", file.getFileName())
                .doesNotContain("internal error").contains(file.toString()).contains("offset"));
        assertThat(s.stats().flows()).isEqualTo(flows.size());
        assertThat(s.stats().openFlows()).isZero();
        long inFlows = flows.stream().mapToLong(Flow::packets).sum();
        long counted = s.stats().results().entrySet().stream().filter(e -> e.getKey().inFlow())
                .mapToLong(java.util.Map.Entry::getValue).sum();
        assertThat(inFlows).as("every packet of a flow is in exactly one flow").isEqualTo(counted);
        if (malformedOnPurpose(file)) {
            boolean damageCounted = s.stats().results().keySet().stream().anyMatch(DAMAGE::contains)
                    || s.stats().cutShort() > 0;
            assertThat(!s.complete() || damageCounted).as("%s is reported as malformed: %s %s", file.getFileName(),
                    s.problem(), s.stats().results()).isTrue();
        } else {
            assertThat(s.complete()).as("%s read to its end: %s", file.getFileName(), s.problem()).isTrue();
        }
    }
}
