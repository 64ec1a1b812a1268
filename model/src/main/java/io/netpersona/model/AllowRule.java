package io.netpersona.model;

/**
 * One allowed flow. Ingress rules may restrict the remote side with {@code from}, egress rules with
 * {@code to}; {@code port} (tcp and udp only) is the application's port for ingress and the remote port
 * for egress; {@code dependency} names the declared dependency an egress rule serves. An absent
 * {@code proto} means any protocol.
 */
public record AllowRule(Direction direction, Protocol proto, Cidr from, Cidr to, Integer port, String dependency) {
    public static AllowRule ingress(Protocol proto, int port) {
        return new AllowRule(Direction.INGRESS, proto, null, null, port, null);
    }

    public static AllowRule egress(Protocol proto, Cidr to, int port, String dependency) {
        return new AllowRule(Direction.EGRESS, proto, null, to, port, dependency);
    }
}
