package io.netpersona.learn.classify;

import io.netpersona.learn.Flow;
import io.netpersona.model.TrafficClass;
import java.util.Objects;

/**
 * The standard way to a flow's class: a {@linkplain Signature#confident() confident} {@link Signatures
 * signature} decides by itself, with {@link #SURE} as the confidence; every other flow goes to the random
 * forest, which sees the signature's guess among its features.
 */
public final class SignedClassifier implements FlowClassifier {
    /**
     * The confidence of a verdict from a payload signature: a recognised protocol is right about its category
     * nearly always, but a program may still speak a protocol for an unusual purpose.
     */
    public static final double SURE = 0.95;

    private final ForestClassifier forest;

    SignedClassifier(ForestClassifier forest) {
        this.forest = Objects.requireNonNull(forest, "forest");
    }

    static SignedClassifier standard() {
        return Shipped.INSTANCE;
    }

    private static final class Shipped {
        static final SignedClassifier INSTANCE = new SignedClassifier(ForestClassifier.standard());
    }

    @Override
    public Verdict classify(Flow flow) {
        return verdict(Signatures.of(flow), flow, null);
    }

    /** The verdict from a signature (may be null) and the flow's features, computed here when null. */
    Verdict verdict(Signature s, Flow flow, float[] features) {
        TrafficClass c = s == null ? null : s.trafficClass();
        if (c != null && s.confident()) {
            return new Verdict(c, SURE);
        }
        return forest.verdict(forest.forestProbabilities(features != null ? features : Features.of(flow)));
    }

    /** The forest underneath. */
    public ForestClassifier forest() {
        return forest;
    }
}
