package io.netpersona.learn.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ForestTest {
    private static final List<String> NAMES = List.of("signal", "noise");
    private static final ForestTrainer.Settings SMALL = new ForestTrainer.Settings(15, 8, 1, 2, 7);

    /** Class 1 where the first feature is above 0.5, class 0 below; the second feature is noise. */
    private static Forest trained(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 400;
        float[][] x = new float[n][];
        int[] y = new int[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = new float[] {(float) r.nextDouble(), (float) r.nextDouble()};
            y[i] = x[i][0] > 0.5f ? 1 : 0;
            w[i] = 1;
        }
        return ForestTrainer.train(NAMES, x, y, w, 3, SMALL);
    }

    @Test
    void learnsTheSignal() {
        Forest f = trained(1);
        assertThat(f.probabilities(new float[] {0.9f, 0.3f})[1]).isGreaterThan(0.9);
        assertThat(f.probabilities(new float[] {0.1f, 0.8f})[0]).isGreaterThan(0.9);
        assertThat(f.probabilities(new float[] {0.1f, 0.8f})[2]).as("a class never seen").isZero();
        assertThat(f.trees()).isEqualTo(15);
    }

    @Test
    void sameInputSameBytesAndReadBackAnswersTheSame() throws IOException {
        Forest a = trained(1);
        byte[] bytes = a.toBytes();
        assertThat(trained(1).toBytes()).as("the same examples and seed").isEqualTo(bytes);
        Forest b = Forest.read(new ByteArrayInputStream(bytes), "test");
        assertThat(b.features).isEqualTo(NAMES);
        assertThat(b.nodes()).isEqualTo(a.nodes());
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 200; i++) {
            float[] x = {(float) r.nextDouble(), (float) r.nextDouble()};
            assertThat(b.probabilities(x)).containsExactly(a.probabilities(x));
        }
    }

    @Test
    void refusesWhatIsNoForest() throws IOException {
        assertThatThrownBy(() -> Forest.read(new ByteArrayInputStream(deflated(0x12345678, 1)), "m.forest"))
                .isInstanceOf(IOException.class).hasMessageContaining("m.forest: not a netpersona forest");
        assertThatThrownBy(() -> Forest.read(new ByteArrayInputStream(deflated(Forest.MAGIC, 9)), "m.forest"))
                .isInstanceOf(IOException.class).hasMessage("m.forest: version 9 (expected: 2)");
    }

    @Test
    void refusesAModelCutShortOrWithMoreAfterIt() {
        byte[] bytes = trained(1).toBytes();
        assertThatThrownBy(() -> Forest.read(new ByteArrayInputStream(java.util.Arrays.copyOf(bytes, bytes.length - 3)),
                "m.forest")).isInstanceOf(IOException.class).hasMessage("m.forest: cut short (expected: every tree's nodes)");
        assertThatThrownBy(() -> Forest.read(new ByteArrayInputStream(java.util.Arrays.copyOf(bytes, bytes.length + 1)),
                "m.forest")).isInstanceOf(IOException.class).hasMessageContaining("bytes after the last tree");
    }

    @Test
    void aModelForOtherFeaturesIsRefused() {
        assertThatThrownBy(() -> new ForestClassifier(trained(1), 0.3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: retrain it");
    }

    private static byte[] deflated(int magic, int version) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(magic);
            out.writeInt(version);
        }
        return bytes.toByteArray();
    }
}
