package io.netpersona.identity;

/** A certificate folder, file or name that cannot be used; the message names the file or value and why. */
public final class IdentityException extends RuntimeException {
    public IdentityException(String message) {
        super(message);
    }

    public IdentityException(String message, Throwable cause) {
        super(message, cause);
    }
}
