package io.netpersona.substrate;

import io.netpersona.model.Persona;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The typed difference between a host and a persona, applied as one transaction. Empty when they match.
 * {@code target} is the persona the host will realise afterwards; null makes the change set a removal,
 * after which the substrate forgets the persona.
 */
public record ChangeSet(String persona, List<Step> steps, Persona target) {
    public ChangeSet {
        steps = List.copyOf(steps);
    }

    public ChangeSet(String persona, List<Step> steps) {
        this(persona, steps, null);
    }

    public boolean isEmpty() {
        return steps.isEmpty();
    }

    @Override
    public String toString() {
        if (steps.isEmpty()) {
            return "no changes for " + persona;
        }
        return steps.stream().map(Step::toString).collect(Collectors.joining("\n"));
    }
}
