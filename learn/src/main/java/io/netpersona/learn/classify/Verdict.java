package io.netpersona.learn.classify;

import io.netpersona.model.TrafficClass;

/**
 * A classifier's answer for one flow.
 *
 * @param trafficClass the class, or null when unknown
 * @param confidence 0..1: how sure the classifier is of that class (0 when unknown)
 */
public record Verdict(TrafficClass trafficClass, double confidence) {
    public static final Verdict UNKNOWN = new Verdict(null, 0);

    public Verdict {
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence " + confidence + " is outside 0..1");
        }
    }

    public boolean known() {
        return trafficClass != null;
    }

    /** The class as the CSV and the persona write it: {@code realtime}, ... or {@code unknown}. */
    public String label() {
        return trafficClass == null ? "unknown" : trafficClass.name().toLowerCase(java.util.Locale.ROOT);
    }
}
