package io.netpersona.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ChanceTest {
    /** The upper tail summed term by term from the binomial coefficients, for small n. */
    static double direct(int k, int n, double p) {
        double sum = 0;
        for (int i = k; i <= n; i++) {
            double c = 1;
            for (int j = 0; j < i; j++) {
                c = c * (n - j) / (j + 1);
            }
            sum += c * Math.pow(p, i) * Math.pow(1 - p, n - i);
        }
        return sum;
    }

    @Test
    void matchesTheBinomialSummedDirectly() {
        for (int n : new int[] {1, 5, 40, 160}) {
            for (double p : new double[] {0.01, 0.015, 0.3}) {
                for (int k = 0; k <= Math.min(n, 12); k++) {
                    assertThat(Chance.atLeast(k, n, p)).as("k %d, n %d, p %s", k, n, p).isCloseTo(direct(k, n, p), within(1e-9));
                }
            }
        }
    }

    @Test
    void knownValuesAndEdges() {
        // a database's 160 segments at a 1.5% threshold: 3 lost is what chance gives 43% of the time, 6 under 5%
        assertThat(Chance.atLeast(3, 160, 0.015)).isCloseTo(0.43, within(0.01));
        assertThat(Chance.atLeast(6, 160, 0.015)).isLessThan(0.05);
        assertThat(Chance.atLeast(5, 160, 0.015)).isGreaterThan(0.05);
        assertThat(Chance.atLeast(0, 10, 0.5)).isEqualTo(1);
        assertThat(Chance.atLeast(11, 10, 0.5)).isZero();
        assertThat(Chance.atLeast(1, 10, 0)).isZero();
        assertThat(Chance.atLeast(10, 10, 1)).isEqualTo(1);
        // a million segments neither underflows nor takes a million steps far in the tail
        assertThat(Chance.atLeast(10_000, 1_000_000, 0.01)).isCloseTo(0.5, within(0.01));
        assertThat(Chance.atLeast(30_000, 1_000_000, 0.01)).isZero();
        assertThatThrownBy(() -> Chance.atLeast(1, 10, 1.5)).hasMessageContaining("p: 1.5");
    }
}
