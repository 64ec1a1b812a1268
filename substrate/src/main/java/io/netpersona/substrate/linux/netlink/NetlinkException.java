package io.netpersona.substrate.linux.netlink;

import io.netpersona.substrate.SubstrateException;

/**
 * A netlink read failed: a system call's errno, an error the kernel answered, or a message that does not
 * parse. {@link #errno()} is 0 when no errno is involved. The caller can read the same thing with a process.
 */
public final class NetlinkException extends SubstrateException {
    private final int errno;
    private final boolean sent;

    NetlinkException(String message, int errno) {
        this(message, errno, false);
    }

    private NetlinkException(String message, int errno, boolean sent) {
        super(errno == 0 ? message : message + " (errno " + errno + ")");
        this.errno = errno;
        this.sent = sent;
    }

    /** The same failure, once the request it concerns was sent: the kernel may have carried it out. */
    NetlinkException afterSending() {
        return new NetlinkException(getMessage(), 0, true);
    }

    /**
     * Whether the failure came after the request reached the kernel (waiting for its answer), so that what
     * it asked for may have been done: sending the same again could do it twice.
     */
    public boolean sent() {
        return sent;
    }

    NetlinkException(String message) {
        this(message, 0);
    }

    public int errno() {
        return errno;
    }
}
