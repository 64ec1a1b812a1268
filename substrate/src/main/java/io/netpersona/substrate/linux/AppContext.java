package io.netpersona.substrate.linux;

import java.util.Optional;

/**
 * Where a persona's application is on this machine: its scope (network namespace, "" for the host's
 * own), the host it sits behind (if any), and the small numbers allocated to the persona (HTB class minor,
 * firewall mark, routing table).
 */
record AppContext(String persona, String scope, Optional<HostPicture.Host> host, Ids ids) {
    /** Numbers allocated to a persona on this machine; stable across applies, recorded in its state file. */
    record Ids(int minor, int mark, int table) {
        static Ids of(int minor) {
            return new Ids(minor, 0x4e500000 | minor, 1000 + minor);
        }

        String classid() {
            return "1:" + Integer.toHexString(minor);
        }
    }

    /** The namespace where the application's traffic is shaped and routed: its host's, or its own. */
    String hostScope() {
        return host.map(HostPicture.Host::netns).orElse(scope);
    }
}
