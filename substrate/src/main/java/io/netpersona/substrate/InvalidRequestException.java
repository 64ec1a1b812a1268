package io.netpersona.substrate;

import io.netpersona.model.Problem;
import java.util.List;
import java.util.stream.Collectors;

/** A persona this substrate cannot realise as asked (a missing namespace, a congestion control it lacks...). */
public final class InvalidRequestException extends SubstrateException {
    private final List<Problem> problems;

    public InvalidRequestException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
