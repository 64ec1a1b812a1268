package io.netpersona.lab;

/** The lab could not do what it was asked; the message says what and why. */
public class LabException extends RuntimeException {
    public LabException(String message) {
        super(message);
    }

    public LabException(String message, Throwable cause) {
        super(message, cause);
    }
}
