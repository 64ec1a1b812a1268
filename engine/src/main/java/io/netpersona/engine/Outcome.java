package io.netpersona.engine;

import java.util.Locale;

/**
 * How a decision ended. {@code PENDING} is the only state that changes later: a decision to act is written
 * as pending before the apply, and its outcome after. {@code INTERRUPTED} is a pending decision whose
 * process stopped before its outcome was known (found when the application's loop starts again), or one
 * that a new assignment replaced while it was being verified.
 */
public enum Outcome {
    NO_ACTION, ADVISED, PENDING, KEPT, REVERTED, FAILED, INTERRUPTED;

    /** {@code no-action}, {@code kept}, ...: how the journal stores and prints it. */
    public String text() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Outcome parse(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
