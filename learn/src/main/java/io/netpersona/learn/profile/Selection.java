package io.netpersona.learn.profile;

import io.netpersona.model.IpAddress;
import io.netpersona.model.InvalidValueException;
import io.netpersona.model.Protocol;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;

/**
 * Which traffic in a capture is the application's: the ports it serves ({@code --app-port}), its addresses
 * ({@code --app-ip}), both (then a port counts only on those addresses), or neither: then the capture's
 * dominant server is taken, and the profile says why.
 */
public record Selection(List<Port> ports, List<InetAddress> addresses) {
    public static final Selection AUTO = new Selection(List.of(), List.of());

    public Selection {
        ports = List.copyOf(ports);
        addresses = List.copyOf(addresses);
    }

    public boolean automatic() {
        return ports.isEmpty() && addresses.isEmpty();
    }

    /**
     * A served port: {@code udp/27015}, {@code tcp/5432}, or a bare {@code 27015} for either protocol.
     *
     * @param protocol TCP or UDP, null for both
     */
    public record Port(Protocol protocol, int port) {
        static final String EXPECTED = "a port such as 27015, udp/27015 or tcp/5432 (port 1..65535)";

        public Port {
            if (port < 1 || port > 65535 || (protocol != null && !protocol.hasPorts())) {
                throw new InvalidValueException(EXPECTED);
            }
        }

        /** @throws InvalidValueException naming what was expected */
        public static Port parse(String text) {
            String t = text.strip().toLowerCase(Locale.ROOT);
            int slash = t.indexOf('/');
            String number = slash < 0 ? t : t.substring(slash + 1);
            if (!number.matches("[0-9]{1,5}")) {
                throw new InvalidValueException(EXPECTED);
            }
            Protocol p = slash < 0 ? null : switch (t.substring(0, slash)) {
                case "tcp" -> Protocol.TCP;
                case "udp" -> Protocol.UDP;
                default -> throw new InvalidValueException(EXPECTED);
            };
            return new Port(p, Integer.parseInt(number));
        }

        boolean matches(int protocolNumber, int p) {
            return p == port && (protocol == null ? protocolNumber == 6 || protocolNumber == 17
                    : protocolNumber == (protocol == Protocol.TCP ? 6 : 17));
        }

        @Override
        public String toString() {
            return protocol == null ? Integer.toString(port) : protocol.name().toLowerCase(Locale.ROOT) + "/" + port;
        }
    }

    /** An address as {@code --app-ip} takes it: a literal, never a name to look up. */
    public static InetAddress address(String text) {
        return IpAddress.parse(text).address();
    }
}
