package io.netpersona.model;

import java.util.List;

/**
 * How an application's traffic is found on a host: a network namespace, a cgroup (v2 path under
 * {@code /sys/fs/cgroup}), an executable, or the ports it uses. At least one must be given; several narrow it.
 */
public record AppSelector(String netns, String cgroup, Exe exe, List<PortSelector> ports) {
    public AppSelector {
        ports = Copies.list(ports);
    }

    public static AppSelector netns(String netns) {
        return new AppSelector(netns, null, null, null);
    }

    public boolean isEmpty() {
        return netns == null && cgroup == null && exe == null && (ports == null || ports.isEmpty());
    }
}
