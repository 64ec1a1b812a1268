package io.netpersona.store;

/**
 * A request the repository refused or could not carry out. {@link #reason()} says which, so the edge can
 * map it to a gRPC status or an HTTP problem without parsing the message.
 */
public final class StoreException extends RuntimeException {
    public enum Reason {
        /** A persona, version or agent that does not exist. */
        NOT_FOUND,
        /** The caller's view is stale: someone else changed the persona first. */
        CONFLICT,
        /** A name or a document that is not acceptable. */
        INVALID,
        /** The database could not be reached or failed. */
        UNAVAILABLE
    }

    private final Reason reason;

    public StoreException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public StoreException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
