package io.netpersona.lab.traffic;

/** A lab application that could not start, did not listen, or ended without its measurements. */
public final class TrafficException extends RuntimeException {
    public TrafficException(String message) {
        super(message);
    }

    public TrafficException(String message, Throwable cause) {
        super(message, cause);
    }
}
