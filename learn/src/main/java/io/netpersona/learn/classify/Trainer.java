package io.netpersona.learn.classify;

import io.netpersona.model.TrafficClass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the traffic-class model from labelled captures: {@code scripts/train-classifier} runs it. The same
 * captures, labels and settings give the same model file, byte for byte.
 *
 * <p>The forest learns from every labelled flow, those a confident {@link Signatures signature} decides too:
 * it is asked only about the others, but what sizes, timing and rates say about a class is the same in both,
 * and the few hundred flows no signature knows are too few to learn it from alone (trained on those only,
 * the cross-validated agreement was 0.007 lower). Each example weighs 1, except that the examples of one class in one capture
 * weigh {@link #PER_CAPTURE} together at most: a capture with 800 flows of one attack must not outvote thirty
 * captures of other traffic of the class. The forest's settings are not fixed: {@link Tuning} chooses them by
 * a cross-validation inside the examples it is given.
 */
public final class Trainer {
    /** The most weight the examples of one class in one capture have together. */
    static final double PER_CAPTURE = 40;

    private Trainer() {
    }

    /** A forest trained on the examples with the settings {@link Tuning} chooses on them. */
    static Forest train(List<TrainingSet.Example> examples) {
        return train(examples, Tuning.choose(examples).settings());
    }

    static Forest train(List<TrainingSet.Example> examples, ForestTrainer.Settings settings) {
        Map<String, Integer> counts = new HashMap<>();
        for (TrainingSet.Example e : examples) {
            counts.merge(e.capture() + "\u0000" + e.label(), 1, Integer::sum);
        }
        int n = examples.size();
        float[][] x = new float[n][];
        int[] y = new int[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            TrainingSet.Example e = examples.get(i);
            x[i] = e.features();
            y[i] = e.label().ordinal();
            w[i] = Math.min(1, PER_CAPTURE / counts.get(e.capture() + "\u0000" + e.label()));
        }
        return ForestTrainer.train(Features.NAMES, x, y, w, TrafficClass.values().length, settings);
    }

    /**
     * {@code Trainer CAPTURES LABELS CATEGORIES OUT [--folds K] [--deal N]}: trains on every capture in the
     * folder CAPTURES that LABELS describes and writes the model to OUT; with {@code --folds}, first prints a
     * cross-validation by capture file of the same training, with the captures dealt into folds as deal N does
     * (0, the default, largest first; see {@link CrossValidation#folds}).
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 4 || args.length % 2 != 0) {
            System.err.println("usage: Trainer CAPTURES LABELS CATEGORIES OUT [--folds K] [--deal N]");
            System.exit(2);
        }
        int folds = 0;
        long deal = 0;
        for (int i = 4; i < args.length; i += 2) {
            long value;
            try {
                value = Long.parseLong(args[i + 1]);
            } catch (NumberFormatException e) {
                value = -1;
            }
            if (args[i].equals("--folds") && value >= 2 && value <= 1000) {
                folds = (int) value;
            } else if (args[i].equals("--deal") && value >= 0) {
                deal = value;
            } else {
                System.err.println("Trainer: " + args[i] + " " + args[i + 1] + " (expected: --folds K with K 2 or more, "
                        + "--deal N with N 0 or more)");
                System.exit(2);
            }
        }
        for (int i = 0; i < 3; i++) {
            Path p = Path.of(args[i]);
            if (i == 0 ? !Files.isDirectory(p) : !Files.isRegularFile(p)) {
                System.err.println("Trainer: " + p + ": no such " + (i == 0 ? "folder of captures" : "file"));
                System.exit(1);
            }
        }
        long start = System.nanoTime();
        TrainingSet set = TrainingSet.read(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]));
        if (set.examples().isEmpty()) {
            System.err.println("Trainer: no labelled flows in " + args[0] + " (expected: captures that " + args[1]
                    + " names, with rows whose confidence is DPI and whose category " + args[2] + " maps)");
            System.exit(1);
        }
        System.err.printf("read %d labelled flows from %d captures in %.1f s%n", set.examples().size(), set.captures(),
                (System.nanoTime() - start) / 1e9);
        if (folds > 0) {
            System.out.print(CrossValidation.run(set, folds, deal).text());
        }
        Tuning.Choice choice = Tuning.choose(set.examples());
        System.err.println(choice.text());
        Forest forest = train(set.examples(), choice.settings());
        byte[] bytes = forest.toBytes();
        Path out = Path.of(args[3]);
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        Files.write(out, bytes);
        System.err.printf("wrote %s: %d trees, %d nodes, %d bytes (%.1f s in all)%n", out, forest.trees(),
                forest.nodes(), bytes.length, (System.nanoTime() - start) / 1e9);
    }
}
