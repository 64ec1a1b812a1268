package io.netpersona.learn.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Chooses the forest's settings for a set of examples by a cross-validation by capture inside that set only:
 * when {@link CrossValidation} judges a fold, the settings come from the other folds, so no choice was made
 * looking at the captures it is judged on. The candidates are few on purpose: each costs {@link #FOLDS}
 * trainings, and the differences between them are about as large as the spread between fold deals.
 */
final class Tuning {
    private Tuning() {
    }

    /** Folds of the inner cross-validation: three keep a third of the captures out of each training. */
    static final int FOLDS = 3;

    /**
     * The candidates, in order of preference on a tie: features tried at each split, a sixth or a third of
     * them (most features, histogram buckets and header bytes, say nothing about most flows, so the usual
     * square root often tries none that do). Leaves of one example and 40 trees each: leaves of two and
     * 100 trees changed the agreement by less than the spread between fold deals, and each candidate makes
     * the cross-validation test slower by a third.
     */
    static final List<ForestTrainer.Settings> CANDIDATES = List.of(
            new ForestTrainer.Settings(40, 24, 1, 25, ForestTrainer.Settings.SEED),
            new ForestTrainer.Settings(40, 24, 1, 50, ForestTrainer.Settings.SEED));

    /**
     * The settings chosen, and the inner agreement of every candidate (by the order of {@link #CANDIDATES}).
     */
    record Choice(ForestTrainer.Settings settings, double[] agreements) {
        String text() {
            StringBuilder b = new StringBuilder("inner cross-validation (" + FOLDS + " folds):");
            for (int i = 0; i < agreements.length; i++) {
                ForestTrainer.Settings s = CANDIDATES.get(i);
                b.append(String.format(Locale.ROOT, " [leaf %d, features %d] %.4f%s", s.minLeaf(), s.featuresPerSplit(),
                        agreements[i], s.equals(settings) ? " (chosen)" : ""));
            }
            return b.toString();
        }
    }

    /** The candidate with the best agreement on an inner cross-validation of {@code examples}; the first on a tie. */
    static Choice choose(List<TrainingSet.Example> examples) {
        List<List<TrainingSet.Example>> folds = CrossValidation.folds(examples, FOLDS, 0);
        double[] agreements = new double[CANDIDATES.size()];
        int best = 0;
        for (int i = 0; i < agreements.length; i++) {
            ForestTrainer.Settings s = CANDIDATES.get(i);
            agreements[i] = CrossValidation.run(folds, training -> Trainer.train(training, s)).agreement();
            if (agreements[i] > agreements[best]) {
                best = i;
            }
        }
        return new Choice(CANDIDATES.get(best), agreements);
    }

    /** The examples of every fold but {@code except}. */
    static List<TrainingSet.Example> without(List<List<TrainingSet.Example>> folds, int except) {
        List<TrainingSet.Example> training = new ArrayList<>();
        for (int j = 0; j < folds.size(); j++) {
            if (j != except) {
                training.addAll(folds.get(j));
            }
        }
        return training;
    }
}
