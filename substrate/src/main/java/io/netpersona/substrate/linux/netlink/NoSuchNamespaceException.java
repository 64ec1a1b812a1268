package io.netpersona.substrate.linux.netlink;

/** The named network namespace does not exist (no {@code /run/netns/NAME}): there is nothing to read. */
public final class NoSuchNamespaceException extends io.netpersona.substrate.SubstrateException {
    NoSuchNamespaceException(String name) {
        super("network namespace " + name + " does not exist (expected: /run/netns/" + name + ")");
    }
}
