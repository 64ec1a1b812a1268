package io.netpersona.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.learn.Flows;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FlowsFloorTest {
    private static final Path PCAPS = Path.of(System.getProperty("ndpi.train", "../../shared/data/ndpi-train"), "pcap");
    /** The least buffer the floor takes: its refills and compactions happen every few hundred records. */
    private static final int SMALL_BUFFER = 2 * (262_144 + 16);

    @ParameterizedTest
    @ValueSource(strings = {"wechat.pcap", "gnutella.pcap"})
    void rangesOnAnyNumberOfThreadsCountWhatOneThreadCounts(String name) throws Exception {
        Path file = PCAPS.resolve(name);
        String one = FlowsFloor.run(file, 1, SMALL_BUFFER);
        for (int threads = 2; threads <= 5; threads++) {
            assertThat(FlowsFloor.run(file, threads, SMALL_BUFFER)).as("%d threads", threads)
                    .isEqualTo(one.replace("threads 1", "threads " + threads));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void countsTheFlowsPersonaFlowsFindsWhereNoFlowEndsEarly(int threads) throws Exception {
        // wechat's conversations neither close and reopen nor go idle for a day: each key is one flow for both
        Path file = PCAPS.resolve("wechat.pcap");
        AtomicLong flows = new AtomicLong();
        Flows.read(file, f -> flows.incrementAndGet());
        assertThat(flows.get()).isGreaterThan(50);
        assertThat(FlowsFloor.run(file, threads, SMALL_BUFFER)).startsWith("flows " + flows.get() + " packets 1672 ");
    }
}
