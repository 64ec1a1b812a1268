package io.netpersona.learn.live;

/** A live capture cannot start or failed: the message says why and, where it helps, what to do. */
public final class LiveCaptureException extends RuntimeException {
    public LiveCaptureException(String message) {
        super(message);
    }

    public LiveCaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}
