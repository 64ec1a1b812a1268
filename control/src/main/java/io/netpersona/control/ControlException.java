package io.netpersona.control;

/** The control plane cannot start or go on: a folder, file or port it cannot use; the message names it. */
public final class ControlException extends RuntimeException {
    public ControlException(String message) {
        super(message);
    }

    public ControlException(String message, Throwable cause) {
        super(message, cause);
    }
}
