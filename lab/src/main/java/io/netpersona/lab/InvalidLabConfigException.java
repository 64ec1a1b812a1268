package io.netpersona.lab;

import io.netpersona.model.Problem;
import java.util.List;

/**
 * A lab configuration was refused. Every problem is listed; each names the setting (as the option
 * {@code persona lab up} spells it, without the dashes: {@code rate}, {@code delay-a}), the value and what
 * was expected.
 */
public final class InvalidLabConfigException extends LabException {
    private final List<Problem> problems;

    public InvalidLabConfigException(List<Problem> problems) {
        super(String.join("; ", problems.stream().map(Problem::toString).toList()));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
