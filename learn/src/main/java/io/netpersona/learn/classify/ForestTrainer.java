package io.netpersona.learn.classify;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Grows a random forest: each tree on a bootstrap sample of the weighted examples, each split the best Gini
 * split among a random few features. Every tree has its own random stream from the seed and its number, so
 * the forest is the same for the same input whatever the threads.
 */
final class ForestTrainer {

    /**
     * @param trees how many trees
     * @param maxDepth the deepest a leaf may be
     * @param minLeaf examples a leaf keeps at least
     * @param featuresPerSplit features tried at each split (0: the square root of the feature count)
     * @param seed where the random streams start
     */
    record Settings(int trees, int maxDepth, int minLeaf, int featuresPerSplit, long seed) {
        /** Where the random streams start: fixed, so the same examples always grow the same forest. */
        static final long SEED = 20250601L;

        Settings {
            if (trees < 1 || maxDepth < 1 || minLeaf < 1 || featuresPerSplit < 0) {
                throw new IllegalArgumentException("forest settings " + trees + " trees, depth " + maxDepth + ", leaf "
                        + minLeaf + ", features " + featuresPerSplit + " (expected: positive, features 0 or more)");
            }
        }
    }

    private final float[][] x;
    private final int[] y;
    private final double[] w;
    private final int classes, features, tried;
    private final Settings settings;

    private ForestTrainer(float[][] x, int[] y, double[] w, int classes, Settings settings) {
        this.x = x;
        this.y = y;
        this.w = w;
        this.classes = classes;
        this.features = x[0].length;
        this.settings = settings;
        this.tried = settings.featuresPerSplit() > 0 ? Math.min(features, settings.featuresPerSplit())
                : Math.max(1, (int) Math.round(Math.sqrt(features)));
    }

    /**
     * @param x one feature vector per example
     * @param y each example's class, 0..classes-1
     * @param w each example's weight (positive)
     */
    static Forest train(List<String> names, float[][] x, int[] y, double[] w, int classes, Settings settings) {
        if (x.length == 0 || x.length != y.length || x.length != w.length) {
            throw new IllegalArgumentException("examples: " + x.length + " vectors, " + y.length + " classes, "
                    + w.length + " weights (expected: as many, at least one)");
        }
        ForestTrainer t = new ForestTrainer(x, y, w, classes, settings);
        List<Forest.Growable> trees = IntStream.range(0, settings.trees()).parallel().mapToObj(t::tree).toList();
        Forest.Growable all = new Forest.Growable(classes);
        int[] roots = new int[trees.size()];
        for (int i = 0; i < roots.length; i++) {
            roots[i] = all.append(trees.get(i));
        }
        return all.forest(names, roots);
    }

    private Forest.Growable tree(int number) {
        SplittableRandom random = new SplittableRandom(settings.seed() * 31 + number);
        int n = x.length;
        int[] sample = new int[n];
        for (int i = 0; i < n; i++) {
            sample[i] = random.nextInt(n);
        }
        Arrays.sort(sample);
        Forest.Growable g = new Forest.Growable(classes);
        new Grower(random, g, n).grow(sample, 0, n, 0);
        return g;
    }

    /** The work of one tree: its random stream and scratch arrays. */
    private final class Grower {
        private final SplittableRandom random;
        private final Forest.Growable g;
        private final long[] keys;
        private final int[] order = IntStream.range(0, features).toArray();
        private final double[] left = new double[classes], right = new double[classes];

        Grower(SplittableRandom random, Forest.Growable g, int n) {
            this.random = random;
            this.g = g;
            this.keys = new long[n];
        }

        void grow(int[] idx, int from, int to, int depth) {
            double[] total = new double[classes];
            for (int i = from; i < to; i++) {
                total[y[idx[i]]] += w[idx[i]];
            }
            int nonZero = 0;
            for (double c : total) {
                if (c > 0) {
                    nonZero++;
                }
            }
            Split best = nonZero > 1 && depth < settings.maxDepth() && to - from >= 2 * settings.minLeaf()
                    ? best(idx, from, to, total) : null;
            if (best == null) {
                leaf(total);
                return;
            }
            int mid = partition(idx, from, to, best);
            int node = g.split(best.feature, best.threshold, -1);
            grow(idx, from, mid, depth + 1);
            g.right(node, g.size);
            grow(idx, mid, to, depth + 1);
        }

        private void leaf(double[] total) {
            double sum = 0;
            for (double c : total) {
                sum += c;
            }
            float[] p = new float[classes];
            for (int c = 0; c < classes; c++) {
                p[c] = Forest.quantised(total[c] / sum);
            }
            g.leaf(p);
        }

        private record Split(int feature, float threshold, double score) {
        }

        private Split best(int[] idx, int from, int to, double[] total) {
            for (int i = 0; i < tried; i++) {
                int j = i + random.nextInt(features - i);
                int swap = order[i];
                order[i] = order[j];
                order[j] = swap;
            }
            double totalWeight = Arrays.stream(total).sum();
            double parent = Arrays.stream(total).map(c -> c * c).sum() / totalWeight;
            Split best = null;
            for (int k = 0; k < tried; k++) {
                int f = order[k];
                Split s = bestOn(f, idx, from, to, total, totalWeight);
                if (s != null && s.score > parent + 1e-12 && (best == null || s.score > best.score)) {
                    best = s;
                }
            }
            return best;
        }

        /** The best threshold on one feature: the largest sum of squared class weights over each side's weight. */
        private Split bestOn(int f, int[] idx, int from, int to, double[] total, double totalWeight) {
            int n = to - from;
            for (int i = 0; i < n; i++) {
                int bits = Float.floatToIntBits(x[idx[from + i]][f] + 0.0f);
                bits ^= (bits >> 31) & 0x7fffffff;
                keys[i] = (long) bits << 32 | (idx[from + i] & 0xffffffffL);
            }
            Arrays.sort(keys, 0, n);
            Arrays.fill(left, 0);
            double leftWeight = 0, bestScore = -1;
            float bestThreshold = 0;
            int minLeaf = settings.minLeaf();
            for (int i = 0; i < n - 1; i++) {
                int e = (int) keys[i];
                left[y[e]] += w[e];
                leftWeight += w[e];
                if ((int) (keys[i] >> 32) == (int) (keys[i + 1] >> 32) || i + 1 < minLeaf || n - i - 1 < minLeaf) {
                    continue;
                }
                double l = 0, r = 0;
                for (int c = 0; c < classes; c++) {
                    double rc = total[c] - left[c];
                    l += left[c] * left[c];
                    r += rc * rc;
                }
                double rightWeight = totalWeight - leftWeight;
                if (leftWeight <= 0 || rightWeight <= 0) {
                    continue;
                }
                double score = l / leftWeight + r / rightWeight;
                if (score > bestScore) {
                    bestScore = score;
                    float a = x[e][f], b = x[(int) keys[i + 1]][f];
                    float t = (float) ((a + (double) b) / 2);
                    bestThreshold = t >= b ? a : t;
                }
            }
            return bestScore < 0 ? null : new Split(f, bestThreshold, bestScore);
        }

        private int partition(int[] idx, int from, int to, Split s) {
            int i = from, j = to - 1;
            while (i <= j) {
                if (x[idx[i]][s.feature] <= s.threshold) {
                    i++;
                } else {
                    int t = idx[i];
                    idx[i] = idx[j];
                    idx[j] = t;
                    j--;
                }
            }
            return i;
        }
    }
}
