package io.netpersona.learn;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InstantTextTest {
    private static String text(long nanos) {
        return InstantText.append(new StringBuilder(), nanos).toString();
    }

    @Test
    void writesWhatInstantWritesAtTheEdgesOfEveryField() {
        long[] seconds = {0, 59, 60, 3599, 3600, 86_399, 86_400, 951_782_400L /* 2000-02-29 */, 951_868_800L,
            4_107_542_399L /* 2100-02-28T23:59:59 */, 4_107_542_400L, 253_402_300_799L, 253_402_300_800L, -1, -86_401,
            9_223_372_035L};
        int[] nanos = {0, 1, 999, 1000, 999_000, 1_000_000, 123_000_000, 120_000_000, 100_000_000, 999_999_999, 500_000};
        for (long s : seconds) {
            for (int n : nanos) {
                long t = s * 1_000_000_000L + n;
                if (Math.floorDiv(t, 1_000_000_000L) != s) {
                    continue; // past a long's nanoseconds
                }
                assertThat(text(t)).as("%d s %d ns", s, n).isEqualTo(Instant.ofEpochSecond(0, t).toString());
            }
        }
        assertThat(text(Long.MIN_VALUE)).isEqualTo(Instant.ofEpochSecond(0, Long.MIN_VALUE).toString());
        assertThat(text(Long.MAX_VALUE)).isEqualTo(Instant.ofEpochSecond(0, Long.MAX_VALUE).toString());
    }

    @Test
    void writesWhatInstantWritesForAnyTime() {
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < 200_000; i++) {
            long t = switch (i % 4) {
                case 0 -> r.nextLong();
                case 1 -> r.nextLong(0, 4_300_000_000L) * 1_000_000_000L + r.nextInt(1000) * 1_000_000L;
                case 2 -> r.nextLong(0, 4_300_000_000L) * 1_000_000_000L + r.nextInt(1_000_000) * 1000L;
                default -> r.nextLong(0, 4_300_000_000_000_000_000L);
            };
            assertThat(text(t)).as("%d ns", t).isEqualTo(Instant.ofEpochSecond(0, t).toString());
        }
    }
}
