package io.netpersona.control;

import io.grpc.Status;
import io.netpersona.store.StoreException;

/** Store refusals as gRPC statuses, at the edge only. */
final class Statuses {
    private Statuses() {}

    static Status of(StoreException e) {
        Status s = switch (e.reason()) {
            case NOT_FOUND -> Status.NOT_FOUND;
            case CONFLICT -> Status.ABORTED;
            case INVALID -> Status.INVALID_ARGUMENT;
            case UNAVAILABLE -> Status.UNAVAILABLE;
        };
        return s.withDescription(e.getMessage());
    }
}
