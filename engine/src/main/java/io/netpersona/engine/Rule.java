package io.netpersona.engine;

import java.util.List;

/**
 * One policy of the engine: when {@code when} holds, apply {@code then}. Rules are plain values, built
 * from the persona's thresholds by {@link Policies#forPersona}; a rule's id names it in the journal and in
 * hold-offs, so a change that was reverted is held off by the rule that proposed it.
 */
public record Rule(String id, Trigger when, List<Action> then) {
    public Rule {
        then = List.copyOf(then);
        if (then.isEmpty()) {
            throw new IllegalArgumentException("rule " + id + ": no action (expected: at least one)");
        }
    }
}
