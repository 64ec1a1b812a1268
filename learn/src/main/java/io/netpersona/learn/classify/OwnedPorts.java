package io.netpersona.learn.classify;

import static io.netpersona.learn.classify.Payloads.sure;

/**
 * UDP services that own their registered ports and send nothing else there (multicast name resolution,
 * router redundancy, tunnelling of IPv6, monitoring, precision time, a conferencing service's media ports),
 * some with a version byte to check: recognised by port where their payload has no magic number to test.
 */
final class OwnedPorts {
    private OwnedPorts() {
    }

    static Signature udp(Payloads.Head h) {
        if (h.port(5353)) {
            return sure("MDNS", "Network");
        }
        if (h.port(5355)) {
            return sure("LLMNR", "Network");
        }
        if (h.port(1985, 2029)) {
            return sure("HSRP", "Network");
        }
        if (h.port(5351) && h.at(0) == 0) {
            return sure("NAT-PMP", "Network");
        }
        // Ubiquiti's discovery (version 1 or 2) and IPMI's RMCP (version 6) on their ports
        if (h.port(10001) && (h.at(0) == 1 || h.at(0) == 2)) {
            return sure("UBNTAC2", "Network");
        }
        if (h.port(623) && h.at(0) == 6 && h.at(1) == 0) {
            return sure("RMCP", "System");
        }
        if (h.port(3544)) {
            return sure("Teredo", "Network");
        }
        if (h.port(25826)) {
            return sure("collectd", "System");
        }
        if (h.port(3784, 3785, 4784)) {
            return sure("BFD", "Network");
        }
        if (h.port(5246, 5247)) {
            return sure("CAPWAP", "Network");
        }
        if (h.port(319, 320)) {
            return sure("PTPv2", "System");
        }
        if (h.port(4341, 4342)) {
            return sure("LISP", "Cloud");
        }
        if (h.port(1119)) {
            return sure("Starcraft", "Game");
        }
        if (h.port(8801, 8802, 8803, 8804, 8805, 8806, 8807, 8808, 8809, 8810) && h.u32(4) != 0x2112a442L) {
            return sure("Zoom", "Video");
        }
        return null;
    }
}
