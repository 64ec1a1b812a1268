package io.netpersona.learn.live;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where a live capture listens: a network namespace (every interface in it), an interface, or an interface
 * inside a namespace. Names are checked before they come near a command: a namespace is
 * {@code [A-Za-z0-9_.-]{1,64}} not starting with {@code -} (which a command would take for an option) and must
 * exist under /run/netns; an interface the same in at most 15 characters.
 */
public record CaptureTarget(String netns, String iface) {
    static final Pattern NETNS = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9_.-]{0,63}");
    static final Pattern IFACE = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9_.-]{0,14}");
    static final Path NETNS_DIR = Path.of("/run/netns");

    /** @throws LiveCaptureException naming the bad value and what was expected */
    public CaptureTarget {
        if (netns == null && iface == null) {
            throw new LiveCaptureException("a live capture needs --netns NAME or --interface IF");
        }
        if (netns != null && (!NETNS.matcher(netns).matches() || netns.equals(".") || netns.equals(".."))) {
            throw new LiveCaptureException("--netns " + netns + ": not a namespace name (expected: 1-64 characters of "
                    + "A-Z, a-z, 0-9, _, . and -, not starting with -)");
        }
        if (iface != null && (!IFACE.matcher(iface).matches() || iface.equals(".") || iface.equals(".."))) {
            throw new LiveCaptureException("--interface " + iface + ": not an interface name (expected: 1-15 characters "
                    + "of A-Z, a-z, 0-9, _, . and -, not starting with -)");
        }
    }

    /** @throws LiveCaptureException when the namespace does not exist */
    void checkExists(Path netnsDir) {
        if (netns != null && !Files.exists(netnsDir.resolve(netns))) {
            throw new LiveCaptureException("--netns " + netns + ": no such network namespace (" + netnsDir.resolve(netns)
                    + " does not exist; 'ip netns list' shows those there are)");
        }
    }

    /** How flows and messages name the capture: {@code live:NETNS}, {@code live:IF} or {@code live:NETNS/IF}. */
    public String label() {
        return "live:" + (netns == null ? iface : iface == null ? netns : netns + "/" + iface);
    }
}
