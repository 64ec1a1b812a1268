package io.netpersona.engine;

import java.util.List;

/**
 * One decision of the engine about one application: when, why, what it would change, what the signals
 * were before and (once verified) after, and how it ended. Times are epoch milliseconds and ids are made
 * by the engine, so that entries move between stores unchanged.
 *
 * @param code short and stable: the kind of a decision not to act ({@code quiet}, {@code held-off},
 *     {@code in-place}, {@code once} (a trigger held on evidence that acts only when the next sample shows it
 *     too), {@code host-matches}, {@code observe-failed}, {@code no-adaptation}, {@code error})
 *     or {@code act} for one that changes something
 * @param rules ids of the rules that acted (empty for a decision not to act)
 * @param changes the persona changes as JSON ({@code [{path, op, old, new}]}), null when none
 * @param steps the substrate's change set, one step a line, null when none
 * @param expected the effect the change is expected to have, null when none
 * @param before the signals at the decision, as JSON
 * @param after the signals at the end of verification, as JSON, null until then
 * @param repeats how many consecutive decisions not to act of the same code this entry stands for
 * @param lastAt the time of the last of them
 * @param appliedAt when the change was in the kernel (its apply returned), null when it was never applied
 */
public record JournalEntry(
        String id,
        String app,
        Integer personaVersion,
        long decidedAt,
        String code,
        Outcome outcome,
        List<String> rules,
        String reason,
        String changes,
        String steps,
        String expected,
        String before,
        String after,
        String outcomeReason,
        Long finishedAt,
        int repeats,
        long lastAt,
        Long appliedAt) {
    public JournalEntry {
        rules = List.copyOf(rules);
    }

    /** An entry not (yet) applied. */
    public JournalEntry(String id, String app, Integer personaVersion, long decidedAt, String code, Outcome outcome,
            List<String> rules, String reason, String changes, String steps, String expected, String before, String after,
            String outcomeReason, Long finishedAt, int repeats, long lastAt) {
        this(id, app, personaVersion, decidedAt, code, outcome, rules, reason, changes, steps, expected, before, after,
                outcomeReason, finishedAt, repeats, lastAt, null);
    }

    /** A decision not to act, complete as it is. */
    static JournalEntry noAction(String id, String app, Integer version, long at, String code, String reason,
            String before) {
        return new JournalEntry(id, app, version, at, code, Outcome.NO_ACTION, List.of(), reason, null, null, null, before,
                null, null, at, 1, at);
    }
}
