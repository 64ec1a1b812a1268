package io.netpersona.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeadlinesTest {
    /** Mostly rising times with some that go back (the heap's), taken between adds as idle scans take them. */
    @Test
    void takesEveryEntryLeastTimeFirstWithItsKeyAndSerial() {
        Deadlines d = new Deadlines();
        Random random = new Random(7);
        List<Long> added = new ArrayList<>(), taken = new ArrayList<>();
        long[] e = new long[Deadlines.WORDS];
        long clock = 0;
        for (int serial = 0; serial < 20_000; serial++) {
            clock += random.nextInt(100);
            long time = random.nextInt(10) == 0 ? clock - random.nextInt(5_000) : clock;
            d.add(time, time + 1, time + 2, time + 3, time + 4, time + 5, serial);
            added.add(time);
            if (random.nextInt(50) == 0) {
                long now = clock - 2_000;
                long before = Long.MIN_VALUE;
                while (d.least() < now) {
                    d.take(e);
                    assertThat(e[Deadlines.TIME]).isLessThan(now).isGreaterThanOrEqualTo(before);
                    before = e[Deadlines.TIME];
                    for (int k = 0; k < 5; k++) {
                        assertThat(e[Deadlines.KEY + k]).isEqualTo(e[Deadlines.TIME] + 1 + k);
                    }
                    taken.add(e[Deadlines.TIME]);
                }
                assertThat(d.least()).isGreaterThanOrEqualTo(now);
            }
        }
        while (d.size() > 0) {
            d.take(e);
            taken.add(e[Deadlines.TIME]);
        }
        assertThat(d.least()).isEqualTo(Long.MAX_VALUE);
        added.sort(null);
        taken.sort(null);
        assertThat(taken).isEqualTo(added);
    }
}
