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
 * <p>Flows that a confident {@link Signatures signature} decides never reach the forest, so it learns from the
 * others only: those are what it is asked about. Each example weighs 1, except that the examples of one class in one capture weigh {@link #PER_CAPTURE}
 * together at most: a capture with 800 flows of one attack must not outvote thirty captures of other traffic
 * of the class.
 */
public final class Trainer {
    /** The most weight the examples of one class in one capture have together. */
    static final double PER_CAPTURE = 40;

    private Trainer() {
    }

    /** A forest trained on the examples with the default settings. */
    static Forest train(List<TrainingSet.Example> examples) {
        return train(examples, ForestTrainer.Settings.DEFAULTS);
    }

    static Forest train(List<TrainingSet.Example> all, ForestTrainer.Settings settings) {
        List<TrainingSet.Example> examples = all.stream().filter(e -> {
            Signature s = Signatures.of(e.flow());
            return s == null || !s.confident() || s.trafficClass() == null;
        }).toList();
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
     * {@code Trainer CAPTURES LABELS CATEGORIES OUT [--folds K]}: trains on every capture in the folder CAPTURES
     * that LABELS describes and writes the model to OUT; with {@code --folds}, first prints a cross-validation
     * by capture file of the same training.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 4 && !(args.length == 6 && args[4].equals("--folds"))) {
            System.err.println("usage: Trainer CAPTURES LABELS CATEGORIES OUT [--folds K]");
            System.exit(2);
        }
        int folds = 0;
        if (args.length == 6) {
            try {
                folds = Integer.parseInt(args[5]);
            } catch (NumberFormatException e) {
                folds = -1;
            }
            if (folds < 2) {
                System.err.println("Trainer: --folds " + args[5] + " (expected: a number, 2 or more)");
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
            System.out.print(CrossValidation.run(set, folds).text());
        }
        Forest forest = train(set.examples());
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
