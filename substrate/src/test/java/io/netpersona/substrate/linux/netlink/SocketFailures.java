package io.netpersona.substrate.linux.netlink;

/** Socket failures for tests of what a caller does with them: before a request left, or after. */
public final class SocketFailures {
    private SocketFailures() {}

    public static NetlinkException beforeSending() {
        return new NetlinkException("injected: cannot send", 105);
    }

    public static NetlinkException afterSending() {
        return new NetlinkException("injected: no acknowledgement", 11).afterSending();
    }
}
