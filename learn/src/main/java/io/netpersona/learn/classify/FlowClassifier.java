package io.netpersona.learn.classify;

import io.netpersona.learn.Flow;

/**
 * Finds the traffic class of one flow. Implementations are thread-safe and keep no state between calls, so
 * one instance serves every capture of a run.
 */
@FunctionalInterface
public interface FlowClassifier {

    /** The flow's class and how sure the classifier is; {@link Verdict#UNKNOWN} when it cannot tell. */
    Verdict classify(Flow flow);

    /**
     * The classifier shipped with netpersona: protocol signatures first ({@link Signatures}), then a random
     * forest trained on labelled captures (see {@link Trainer}), read from the class path once.
     *
     * @throws IllegalStateException when the model is missing from the class path
     */
    static FlowClassifier standard() {
        return SignedClassifier.standard();
    }

    /**
     * This classifier where it is sure (a known class with at least {@code minConfidence}), otherwise
     * {@code next}'s answer when {@code next} knows the class, otherwise this classifier's own answer.
     */
    default FlowClassifier orElse(FlowClassifier next, double minConfidence) {
        return flow -> {
            Verdict v = classify(flow);
            if (v.known() && v.confidence() >= minConfidence) {
                return v;
            }
            Verdict n = next.classify(flow);
            return n.known() ? n : v;
        };
    }
}
