package io.netpersona.learn.classify;

import io.netpersona.learn.Flow;
import io.netpersona.model.TrafficClass;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * A {@link FlowClassifier} that asks a random forest: the class the trees give the most probability, with that
 * probability as the confidence, or unknown when it is below {@link #UNKNOWN_BELOW}.
 */
public final class ForestClassifier implements FlowClassifier {
    /**
     * Below this share of the trees' probability a flow is unknown. With eight classes a guess spread evenly
     * gets 0.125; 0.2 asks for the best class to stand out of such a spread, so "unknown" means the trees
     * really disagree. It was 0.3: then one flow in seven that no signature decided was unknown, and the
     * forest's best class for those flows agreed with nDPI's label more often than not.
     */
    public static final double UNKNOWN_BELOW = 0.2;

    /** Where the shipped model is, as a class-path resource. */
    public static final String RESOURCE = "/io/netpersona/learn/classify/traffic-class.forest";

    private final Forest forest;
    private final double threshold;

    ForestClassifier(Forest forest, double threshold) {
        this.forest = Objects.requireNonNull(forest, "forest");
        if (!forest.features.equals(Features.NAMES)) {
            throw new IllegalArgumentException("the model was trained on " + forest.features.size()
                    + " features that are not this classifier's " + Features.NAMES.size() + " (expected: retrain it)");
        }
        if (forest.classes != TrafficClass.values().length) {
            throw new IllegalArgumentException("the model has " + forest.classes + " classes (expected: "
                    + TrafficClass.values().length + ")");
        }
        this.threshold = threshold;
    }

    /** The shipped model, read once. */
    static ForestClassifier standard() {
        return Shipped.INSTANCE;
    }

    private static final class Shipped {
        static final ForestClassifier INSTANCE = load();

        private static ForestClassifier load() {
            try (InputStream in = ForestClassifier.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the traffic-class model " + RESOURCE + " is not on the class path "
                            + "(expected: in the learn jar; scripts/train-classifier builds it)");
                }
                return new ForestClassifier(Forest.read(in, RESOURCE), UNKNOWN_BELOW);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public Verdict classify(Flow flow) {
        return verdict(probabilities(flow));
    }

    /** Every class's probability for the flow, by {@link TrafficClass} order. */
    public double[] probabilities(Flow flow) {
        return forest.probabilities(Features.of(flow));
    }

    double[] forestProbabilities(float[] features) {
        return forest.probabilities(features);
    }

    Verdict verdict(double[] p) {
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        double confidence = Math.min(1, Math.max(0, p[best]));
        return confidence < threshold ? Verdict.UNKNOWN : new Verdict(TrafficClass.values()[best], confidence);
    }

    /** Trees and nodes of the model, for a summary. */
    public String describe() {
        return forest.trees() + " trees, " + forest.nodes() + " nodes, " + forest.features.size() + " features";
    }
}
