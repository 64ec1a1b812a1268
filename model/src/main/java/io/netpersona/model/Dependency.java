package io.netpersona.model;

/**
 * A peer the application opens connections to, as learned: its name (unique in the persona), address,
 * optional DNS name, protocol and port, whether the application fails without it, and its median RTT.
 */
public record Dependency(
        String name, IpAddress address, String host, Protocol proto, Integer port, Boolean critical, Double rttP50Ms) {
    public static Dependency of(String name, IpAddress address, Protocol proto, int port, boolean critical) {
        return new Dependency(name, address, null, proto, port, critical, null);
    }
}
