package io.netpersona.learn.classify;

import io.netpersona.model.TrafficClass;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Cross-validation by capture file: the captures are dealt into k folds (all flows of a capture in one fold,
 * each to the fold with the fewest flows so far), and each fold is classified by a forest trained on the other
 * folds only, its settings chosen by {@link Tuning} on those folds too, behind the fixed {@link Signatures} as
 * the standard classifier has them. So no flow is judged by a model that saw its capture, nor by settings
 * chosen looking at it.
 */
public final class CrossValidation {
    private CrossValidation() {
    }

    /**
     * The result: {@code confusion[actual][predicted]}, with predicted {@code 8} for unknown.
     *
     * @param folds how many folds
     * @param captures captures per fold
     */
    public record Report(int folds, int[] captures, long[][] confusion) {
        static final int UNKNOWN = TrafficClass.values().length;

        public long flows() {
            long n = 0;
            for (long[] row : confusion) {
                for (long v : row) {
                    n += v;
                }
            }
            return n;
        }

        /** The share of flows whose class agrees with the label; an unknown answer does not agree. */
        public double agreement() {
            long right = 0;
            for (int c = 0; c < UNKNOWN; c++) {
                right += confusion[c][c];
            }
            return (double) right / flows();
        }

        public double recall(TrafficClass c) {
            long all = 0;
            for (long v : confusion[c.ordinal()]) {
                all += v;
            }
            return all == 0 ? Double.NaN : (double) confusion[c.ordinal()][c.ordinal()] / all;
        }

        public double precision(TrafficClass c) {
            long all = 0;
            for (long[] row : confusion) {
                all += row[c.ordinal()];
            }
            return all == 0 ? Double.NaN : (double) confusion[c.ordinal()][c.ordinal()] / all;
        }

        public long unknown() {
            long n = 0;
            for (long[] row : confusion) {
                n += row[UNKNOWN];
            }
            return n;
        }

        /** Per-class precision and recall, then the confusion matrix (rows: labels, columns: answers). */
        public String text() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "cross-validation by capture, %d folds (%s captures): %d flows, "
                    + "agreement %.4f, unknown %d%n", folds, java.util.Arrays.toString(captures), flows(), agreement(),
                    unknown()));
            b.append(String.format(Locale.ROOT, "%-14s %9s %9s %7s%n", "class", "precision", "recall", "flows"));
            for (TrafficClass c : TrafficClass.values()) {
                long n = 0;
                for (long v : confusion[c.ordinal()]) {
                    n += v;
                }
                b.append(String.format(Locale.ROOT, "%-14s %9.3f %9.3f %7d%n", name(c.ordinal()), precision(c), recall(c), n));
            }
            b.append(String.format(Locale.ROOT, "%nconfusion (rows: label, columns: answer)%n%-14s", ""));
            for (int p = 0; p <= UNKNOWN; p++) {
                b.append(String.format(Locale.ROOT, "%8.8s", name(p)));
            }
            b.append('\n');
            for (int a = 0; a < UNKNOWN; a++) {
                b.append(String.format(Locale.ROOT, "%-14s", name(a)));
                for (int p = 0; p <= UNKNOWN; p++) {
                    b.append(String.format(Locale.ROOT, "%8d", confusion[a][p]));
                }
                b.append('\n');
            }
            return b.toString();
        }

        private static String name(int c) {
            return c == UNKNOWN ? "unknown" : TrafficClass.values()[c].name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The captures dealt into {@code k} folds: every example of a capture in the same fold, each to the fold
     * with the fewest examples so far. Deal 0 takes the largest captures first (ties by name); any other deal
     * takes them in an order shuffled from that number, so another deal shows whether a result depends on
     * which captures happen to share a fold. The same deal always gives the same folds.
     */
    static List<List<TrainingSet.Example>> folds(List<TrainingSet.Example> examples, int k, long deal) {
        if (k < 2) {
            throw new IllegalArgumentException("folds: " + k + " (expected: 2 or more)");
        }
        Map<String, List<TrainingSet.Example>> byCapture = new LinkedHashMap<>();
        for (TrainingSet.Example e : examples) {
            byCapture.computeIfAbsent(e.capture(), c -> new ArrayList<>()).add(e);
        }
        List<String> names = new ArrayList<>(byCapture.keySet());
        names.sort(Comparator.comparingInt((String n) -> -byCapture.get(n).size()).thenComparing(n -> n));
        if (deal != 0) {
            Collections.shuffle(names, new SplittableRandom(deal));
        }
        List<List<TrainingSet.Example>> folds = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            folds.add(new ArrayList<>());
        }
        for (String n : names) {
            int smallest = 0;
            for (int i = 1; i < k; i++) {
                if (folds.get(i).size() < folds.get(smallest).size()) {
                    smallest = i;
                }
            }
            folds.get(smallest).addAll(byCapture.get(n));
        }
        return folds;
    }

    /**
     * Cross-validates the standard training on {@code set}: {@code k} folds of the given deal, each judged by a
     * forest whose settings an inner cross-validation of the other folds chose.
     */
    public static Report run(TrainingSet set, int k, long deal) {
        return run(folds(set.examples(), k, deal), Trainer::train);
    }

    /** Each fold classified by the signatures and a forest that {@code train} makes from the other folds. */
    static Report run(List<List<TrainingSet.Example>> folds, Function<List<TrainingSet.Example>, Forest> train) {
        int k = folds.size();
        int[] captures = new int[k];
        for (int i = 0; i < k; i++) {
            captures[i] = (int) folds.get(i).stream().map(TrainingSet.Example::capture).distinct().count();
        }
        int classes = TrafficClass.values().length;
        long[][] confusion = new long[classes][classes + 1];
        for (int i = 0; i < k; i++) {
            SignedClassifier model = new SignedClassifier(new ForestClassifier(train.apply(Tuning.without(folds, i)),
                    ForestClassifier.UNKNOWN_BELOW));
            for (TrainingSet.Example e : folds.get(i)) {
                Verdict v = model.verdict(Signatures.of(e.flow()), e.flow(), e.features());
                confusion[e.label().ordinal()][v.known() ? v.trafficClass().ordinal() : classes]++;
            }
        }
        return new Report(k, captures, confusion);
    }
}
