package io.netpersona.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BigCaptureTest {
    private static final Path PCAPS = Path.of(System.getProperty("ndpi.train", "../../shared/data/ndpi-train"), "pcap");
    private static final long YEAR_SECONDS = 365L * 24 * 3600;

    @Test
    void timestampsNeverGoBackAndFitARecordWhenASourceJumpsByDecades(@TempDir Path dir) throws Exception {
        byte[] bytes = Files.readAllBytes(PCAPS.resolve("wechat.pcap"));
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        // from the middle record on, 80 years later: a broken clock, as some shared captures have
        int records = 0;
        for (int at = 24; at < bytes.length; at += 16 + b.getInt(at + 8)) {
            records++;
        }
        int record = 0;
        for (int at = 24; at < bytes.length; at += 16 + b.getInt(at + 8), record++) {
            if (record >= records / 2) {
                b.putInt(at, (int) (b.getInt(at) + 80 * YEAR_SECONDS));
            }
        }
        Files.createDirectories(dir.resolve("data/pcap"));
        Files.write(dir.resolve("data/pcap/wechat.pcap"), bytes);

        // six rounds: 480 years of kept jumps would wrap a record's seconds (past 2106) in the second round
        BigCapture.Built built = BigCapture.obtain(dir.resolve("data"), dir.resolve("cache"), 6L * bytes.length);

        ByteBuffer out = ByteBuffer.wrap(Files.readAllBytes(built.file())).order(ByteOrder.LITTLE_ENDIAN);
        long last = 0, longestGap = 0, read = 0;
        for (int at = 24; at < out.limit(); at += 16 + out.getInt(at + 8)) {
            long seconds = out.getInt(at) & 0xffffffffL, micros = out.getInt(at + 4) & 0xffffffffL;
            assertThat(micros).as("record %d's microseconds", read + 1).isLessThan(1_000_000);
            long ts = seconds * 1_000_000 + micros;
            assertThat(ts).as("record %d's time", read + 1).isGreaterThanOrEqualTo(last);
            longestGap = Math.max(longestGap, ts - last);
            last = ts;
            read++;
        }
        assertThat(read).isEqualTo(built.packets()).isGreaterThan(5L * records);
        // the jump still ends every flow: it is as long as the gap between rounds
        assertThat(longestGap).isGreaterThanOrEqualTo(BigCapture.ROUND_GAP_NANOS / 1000);
    }
}
