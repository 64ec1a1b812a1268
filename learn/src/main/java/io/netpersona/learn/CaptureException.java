package io.netpersona.learn;

import java.nio.file.Path;

/**
 * A capture that cannot be read (on): not a capture at all, or a structure so broken that no later
 * record can be found. The message names the file and, where there is one, the byte offset.
 */
public final class CaptureException extends RuntimeException {
    private final transient Path file;
    private final long offset;

    public CaptureException(Path file, long offset, String message) {
        super(file + (offset >= 0 ? ": offset " + offset + ": " : ": ") + message);
        this.file = file;
        this.offset = offset;
    }

    public CaptureException(Path file, long offset, String message, Throwable cause) {
        this(file, offset, message);
        initCause(cause);
    }

    /** The capture file. */
    public Path file() {
        return file;
    }

    /** The byte offset in the file where the problem was found, or -1 when it concerns the whole file. */
    public long offset() {
        return offset;
    }
}
