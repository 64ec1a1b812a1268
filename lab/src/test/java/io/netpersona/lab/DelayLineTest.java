package io.netpersona.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The delay element's queue, driven by a clock the test moves (nanoseconds), no kernel, no sleeping. */
class DelayLineTest {
    static final long MS = 1_000_000;

    static byte[] packet(int n) {
        return new byte[] {(byte) n};
    }

    @Test
    void aPacketIsReleasedAfterTheDelayAndNotBefore() {
        DelayLine line = new DelayLine(10, 20 * MS);
        assertThat(line.nanosUntilNext(0)).isEqualTo(Long.MAX_VALUE);
        assertThat(line.offer(packet(1), 1000 * MS)).isTrue();
        assertThat(line.poll(1000 * MS)).isNull();
        assertThat(line.poll(1019 * MS)).isNull();
        assertThat(line.nanosUntilNext(1005 * MS)).isEqualTo(15 * MS);
        assertThat(line.poll(1020 * MS)).containsExactly(1);
        assertThat(line.poll(1020 * MS)).isNull();
        assertThat(line.passed()).isEqualTo(1);
    }

    @Test
    void packetsLeaveInTheOrderTheyCame() {
        DelayLine line = new DelayLine(100, 20 * MS);
        for (int i = 0; i < 50; i++) {
            line.offer(packet(i), i * MS / 10);
        }
        StringBuilder order = new StringBuilder();
        for (long t = 0; t <= 30 * MS; t += MS / 20) {
            byte[] p;
            while ((p = line.poll(t)) != null) {
                order.append(p[0]).append(',');
                assertThat(t).isGreaterThanOrEqualTo(p[0] * MS / 10 + 20 * MS);
            }
        }
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            expected.append(i).append(',');
        }
        assertThat(order).hasToString(expected.toString());
    }

    @Test
    void aShorterDelayDoesNotLetNewPacketsOvertakeOldOnes() {
        DelayLine line = new DelayLine(10, 100 * MS);
        line.offer(packet(1), 0);
        line.delayNanos(10 * MS);
        line.offer(packet(2), MS);
        assertThat(line.poll(50 * MS)).isNull(); // 2 would be due at 11 ms, but 1 is ahead until 100 ms
        assertThat(line.poll(100 * MS)).containsExactly(1);
        assertThat(line.poll(100 * MS)).containsExactly(2);
        line.offer(packet(3), 200 * MS);
        assertThat(line.poll(210 * MS)).containsExactly(3);
    }

    @Test
    void aFullLineDropsTheNewPacket() {
        DelayLine line = new DelayLine(2, MS);
        assertThat(line.offer(packet(1), 0)).isTrue();
        assertThat(line.offer(packet(2), 0)).isTrue();
        assertThat(line.offer(packet(3), 0)).isFalse();
        assertThat(line.dropped()).isEqualTo(1);
        assertThat(line.size()).isEqualTo(2);
        assertThat(line.poll(MS)).containsExactly(1);
        assertThat(line.offer(packet(4), MS)).isTrue();
    }

    @Test
    void aZeroDelayReleasesAtOnce() {
        DelayLine line = new DelayLine(2, 0);
        line.offer(packet(7), 5);
        assertThat(line.nanosUntilNext(5)).isZero();
        assertThat(line.poll(5)).containsExactly(7);
    }

    @Test
    void theControlFileNamesAGenerationAndEachDevicesDelay() throws IOException {
        DelayElement.Control c = DelayElement.parseControl("generation=3\nnpl-dly-a=20000\nnpl-dly-b=40000\n");
        assertThat(c.generation()).isEqualTo(3);
        assertThat(c.delays()).isEqualTo(Map.of("npl-dly-a", 20000L, "npl-dly-b", 40000L));
    }
}
