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
}
