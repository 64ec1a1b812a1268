package io.netpersona.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void doublesWithJitterUpToTheCapAndStartsAgainAfterAReset() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new Random(7));
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            waits.add(b.next().toMillis());
        }
        long[] steps = {100, 200, 400, 800, 1000, 1000, 1000, 1000};
        for (int i = 0; i < steps.length; i++) {
            assertThat(waits.get(i)).as("wait " + i).isBetween(steps[i] / 2, steps[i]);
        }
        assertThat(waits.subList(4, 8)).as("jitter: not all the same").doesNotHaveDuplicates();
        b.reset();
        assertThat(b.next().toMillis()).isBetween(50L, 100L);
    }
}
