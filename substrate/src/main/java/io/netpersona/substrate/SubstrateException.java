package io.netpersona.substrate;

/** A substrate refused or failed an operation; the message says what and why. */
public class SubstrateException extends RuntimeException {
    public SubstrateException(String message) {
        super(message);
    }

    public SubstrateException(String message, Throwable cause) {
        super(message, cause);
    }
}
