package io.netpersona.engine;

/** The journal could not be opened, read or written; the message names the file and the reason. */
public final class JournalException extends RuntimeException {
    public JournalException(String message) {
        super(message);
    }

    public JournalException(String message, Throwable cause) {
        super(message, cause);
    }
}
