package io.netpersona.model;

import java.util.List;
import java.util.stream.Collectors;

/** A persona document that was refused, with every problem found in it. */
public final class InvalidPersonaException extends IllegalArgumentException {
    private final List<Problem> problems;

    public InvalidPersonaException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
