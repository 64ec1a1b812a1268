package io.netpersona.engine;

import java.time.Duration;

/**
 * What one step of an application's loop did, and when the next step is due (the runner waits that
 * long; a caller that steps by hand may step earlier, which is harmless).
 *
 * @param entryId the journal entry the step wrote or finished, null when it wrote none (a verification
 *     sample that did not end the window)
 */
public record StepResult(String app, Kind kind, String entryId, Duration next, String summary) {
    /** The kinds of step. */
    public enum Kind {
        /** Decided not to act (quiet, held off, in place, host already matches, or could not observe). */
        NO_ACTION,
        /** Advise mode: planned and recorded, applied nothing. */
        ADVISED,
        /** Applied a change set; verification follows. */
        APPLIED,
        /** Took a verification sample, or was called before the next one was due. */
        VERIFYING,
        /** The verification window ended and the change stays. */
        KEPT,
        /** The change made things worse and was reverted. */
        REVERTED,
        /** Planning, applying or reverting failed; nothing of the change is kept. */
        FAILED
    }
}
