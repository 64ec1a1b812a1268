package io.netpersona.substrate;

import java.util.List;
import java.util.stream.Collectors;

/** The typed difference between a host and a persona, applied as one transaction. Empty when they match. */
public record ChangeSet(String persona, List<Step> steps) {
    public ChangeSet {
        steps = List.copyOf(steps);
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
