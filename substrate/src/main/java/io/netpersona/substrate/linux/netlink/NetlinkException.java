package io.netpersona.substrate.linux.netlink;

import io.netpersona.substrate.SubstrateException;

/**
 * A netlink read failed: a system call's errno, an error the kernel answered, or a message that does not
 * parse. {@link #errno()} is 0 when no errno is involved. The caller can read the same thing with a process.
 */
public final class NetlinkException extends SubstrateException {
    private final int errno;

    NetlinkException(String message, int errno) {
        super(errno == 0 ? message : message + " (errno " + errno + ")");
        this.errno = errno;
    }

    NetlinkException(String message) {
        this(message, 0);
    }

    public int errno() {
        return errno;
    }
}
