package io.netpersona.control;

import io.netpersona.model.Problem;
import java.util.List;

/** A request the REST API refuses: the HTTP status, one line for the operator, and every problem if any. */
final class ApiError extends RuntimeException {
    final int status;
    final transient List<Problem> problems;

    ApiError(int status, String message) {
        this(status, message, List.of());
    }

    ApiError(int status, String message, List<Problem> problems) {
        super(message, null, false, false);
        this.status = status;
        this.problems = List.copyOf(problems);
    }
}
