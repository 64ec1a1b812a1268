package io.netpersona.learn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The flows of the shared captures against labels.csv (nDPI's flows of the same files): same flows, same
 * direction, same packets and bytes per direction. Tunnels (IP in IP, GRE, GTP-U, VXLAN, TZSP, CAPWAP) are
 * decoded, as nDPI decodes them, so their labels' inner flows are compared like any other.
 *
 * <p>nDPI leaves out IP packets the capture cut short and never ends a flow for idleness within a file;
 * the meter does the same here through its options (its defaults count cut packets, see
 * {@link FlowMeterTest}).
 */
class LabelAgreementTest {
    static final FlowMeter.Options AS_NDPI = FlowMeter.Options.DEFAULTS.withWholePacketsOnly(true)
            .withTimeouts(Duration.ofDays(365 * 100), Duration.ofDays(365 * 100));

    /** Files whose labels the meter does not reproduce, and why. */
    static final Map<String, String> DIFFERENT = Map.of(
            "capwap.pcap", "5 CAPWAP data packets carry no IP: nDPI drops them, the meter keeps them in the outer UDP flow",
            "fuzz-2006-06-26-2594.pcap", "malformed on purpose: nDPI makes a flow of one packet whose IP header the decoder refuses",
            "fuzz-2021-10-13.pcap", "malformed on purpose: its only record claims 524,501 captured bytes, past libpcap's "
                    + "262,144; the reader refuses it, nDPI's label is a flow of garbage addresses",
            "stun.pcap", "the label prints an invalid IPv6 address (2600:1900:4160:5999::19::) that cannot be compared");

    static Stream<String> labelledFiles() {
        // labels.csv also describes a file or two that the folder does not hold
        return TrainingData.labels().keySet().stream().filter(f -> !DIFFERENT.containsKey(f))
                .filter(f -> java.nio.file.Files.isRegularFile(TrainingData.capture(f))).sorted();
    }

    record Key(String l4, InetAddress src, int srcPort, InetAddress dst, int dstPort, int vlan) {
    }

    static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static List<Flow> flows(Path file) {
        List<Flow> flows = new ArrayList<>();
        CaptureSummary s = Flows.read(file, AS_NDPI, flows::add, Flows.Progress.NONE);
        assertThat(s.complete()).as("%s: %s", file, s.problem()).isTrue();
        return flows;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("labelledFiles")
    void flowsAgreeWithTheLabels(String name) {
        List<Flow> flows = flows(TrainingData.capture(name));
        Map<Key, Deque<Flow>> ours = new HashMap<>();
        for (Flow f : flows) {
            ours.computeIfAbsent(new Key(f.protocolName(), f.srcAddress(), f.srcPort(), f.dstAddress(), f.dstPort(), f.vlan()),
                    k -> new ArrayDeque<>()).add(f);
        }
        List<TrainingData.Label> labels = TrainingData.labels().get(name);
        List<String> wrong = new ArrayList<>();
        for (TrainingData.Label l : labels) {
            Key k = new Key(l.l4(), ip(l.srcIp()), l.srcPort(), ip(l.dstIp()), l.dstPort(), l.vlan());
            Deque<Flow> candidates = ours.get(k);
            Flow f = candidates == null ? null : candidates.poll();
            if (f == null) {
                wrong.add("no flow " + k);
            } else if (f.forward().packets() != l.c2sPackets() || f.backward().packets() != l.s2cPackets()
                    || f.forward().bytes() != l.c2sBytes() || f.backward().bytes() != l.s2cBytes()) {
                wrong.add(k + ": packets " + f.forward().packets() + "/" + f.backward().packets() + " bytes "
                        + f.forward().bytes() + "/" + f.backward().bytes() + ", labelled " + l.c2sPackets() + "/"
                        + l.s2cPackets() + " and " + l.c2sBytes() + "/" + l.s2cBytes());
            }
        }
        assertThat(wrong).as(name).isEmpty();
        assertThat(flows).as("%s: no flows beyond the labelled ones", name).hasSameSizeAs(labels);
    }

    /** The agreeing files cover every format and link type of the shared captures, and the usual complications. */
    @Test
    void agreementCoversEveryFormatAndLinkType() throws IOException {
        Set<String> seen = new HashSet<>();
        List<String> agreeing = labelledFiles().toList();
        assertThat(agreeing).hasSizeGreaterThan(450);
        for (String name : agreeing) {
            Path file = TrainingData.capture(name);
            try (FileChannel ch = FileChannel.open(file)) {
                ByteBuffer head = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN);
                ch.read(head, 0);
                switch (head.getInt(0)) {
                    case 0xd4c3b2a1 -> seen.add("pcap little-endian microseconds");
                    case 0xa1b2c3d4 -> seen.add("pcap big-endian microseconds");
                    case 0x4d3cb2a1, 0xa1b23c4d -> seen.add("pcap nanoseconds");
                    case 0x0a0d0d0a -> seen.add(name.endsWith(".pcapng") ? "pcapng" : "pcapng named .pcap");
                    default -> { }
                }
            }
            Set<Integer> interfaces = new HashSet<>();
            try (CaptureReader r = CaptureReader.open(file)) {
                Frame f = new Frame();
                while (r.next(f)) {
                    seen.add("link type " + f.linkType());
                    interfaces.add(f.interfaceId());
                }
            }
            if (interfaces.size() > 1) {
                seen.add("several interfaces");
            }
            for (Flow f : flows(file)) {
                if (f.vlan() >= 0) {
                    seen.add("vlan");
                }
                if (f.ipVersion() == 6) {
                    seen.add("ipv6");
                }
                if (f.tunnelled()) {
                    seen.add("tunnel");
                }
            }
        }
        assertThat(seen).contains("pcap little-endian microseconds", "pcap big-endian microseconds", "pcap nanoseconds",
                "pcapng", "pcapng named .pcap", "several interfaces", "vlan", "ipv6", "tunnel",
                "link type " + LinkType.NULL, "link type " + LinkType.ETHERNET, "link type " + LinkType.PPP,
                "link type " + LinkType.RAW, "link type " + LinkType.C_HDLC, "link type " + LinkType.LINUX_SLL,
                "link type " + LinkType.PPI, "link type " + LinkType.IPV4);
    }
}
