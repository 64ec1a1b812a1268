package io.netpersona.model;

import java.util.Locale;

/** A transport port an application serves or uses, written {@code udp/27015}. */
public record PortSelector(Protocol proto, int port) {
    static final String EXPECTED = "proto/port with proto tcp or udp and port 1..65535, such as udp/27015";

    public PortSelector {
        if (proto == null || !proto.hasPorts() || port < 1 || port > 65535) {
            throw new InvalidValueException(EXPECTED);
        }
    }

    public static PortSelector parse(String text) {
        String[] parts = text.strip().toLowerCase(Locale.ROOT).split("/", -1);
        if (parts.length != 2 || !parts[1].matches("[0-9]{1,5}")) {
            throw new InvalidValueException(EXPECTED);
        }
        Protocol p = switch (parts[0]) {
            case "tcp" -> Protocol.TCP;
            case "udp" -> Protocol.UDP;
            default -> throw new InvalidValueException(EXPECTED);
        };
        return new PortSelector(p, Integer.parseInt(parts[1]));
    }

    @Override
    public String toString() {
        return proto.name().toLowerCase(Locale.ROOT) + "/" + port;
    }
}
