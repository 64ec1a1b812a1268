package io.netpersona.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpersona.learn.Flows;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

    @Test
    void aFileCutInARecordFailsNamingWhere(@TempDir Path dir) throws Exception {
        byte[] whole = Files.readAllBytes(PCAPS.resolve("wechat.pcap"));
        Path cut = dir.resolve("cut.pcap");
        // the first record's header (24-byte file header before it) and part of its frame
        Files.write(cut, java.util.Arrays.copyOf(whole, 24 + 16 + 10));
        assertThatThrownBy(() -> FlowsFloor.run(cut, 1, SMALL_BUFFER)).isInstanceOf(IOException.class)
                .hasMessageContaining("offset 24").hasMessageContaining("cut short");
    }

    @Test
    void aCapturedLengthPastTheLimitFailsNamingIt(@TempDir Path dir) throws Exception {
        byte[] bytes = Files.readAllBytes(PCAPS.resolve("wechat.pcap"));
        // the first record's captured length, little-endian, at 24 + 8
        java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(24 + 8, 300_000);
        Path bad = dir.resolve("bad.pcap");
        Files.write(bad, bytes);
        assertThatThrownBy(() -> FlowsFloor.run(bad, 1, SMALL_BUFFER)).isInstanceOf(IOException.class)
                .hasMessageContaining("offset 24: captured length 300000");
    }
}
