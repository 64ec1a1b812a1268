package io.netpersona.learn.classify;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.learn.Flow;
import io.netpersona.learn.FlowMeter;
import io.netpersona.learn.Flows;
import io.netpersona.learn.TrainingData;
import io.netpersona.model.TrafficClass;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StandardClassifierTest {

    static List<Flow> flows(String capture) {
        List<Flow> flows = new ArrayList<>();
        Flows.read(TrainingData.folder().resolve("pcap").resolve(capture), FlowMeter.Options.DEFAULTS, flows::add,
                Flows.Progress.NONE);
        return flows;
    }

    @Test
    void theShippedModelIsReadOnce() {
        FlowClassifier c = FlowClassifier.standard();
        assertThat(FlowClassifier.standard()).isSameAs(c);
        assertThat(((SignedClassifier) c).forest().describe()).startsWith("40 trees, ").endsWith(Features.NAMES.size() + " features");
    }

    @Test
    void aDnsLookupIsControlAndAWebPageInteractive() {
        FlowClassifier c = FlowClassifier.standard();
        Flow dns = flows("dns_invert_query.pcapng").getFirst();
        assertThat(dns.dstPort()).isEqualTo(53);
        assertThat(c.classify(dns).trafficClass()).isEqualTo(TrafficClass.CONTROL);
        Flow web = flows("http.pcapng").getFirst();
        assertThat(web.dstPort()).isEqualTo(80);
        Verdict v = c.classify(web);
        assertThat(v.trafficClass()).isEqualTo(TrafficClass.INTERACTIVE);
        assertThat(v.confidence()).isBetween(ForestClassifier.UNKNOWN_BELOW, 1.0);
    }

    @Test
    void addressesAndTheCaptureNameAreNoFeatures() throws Exception {
        Flow f = flows("443-curl.pcap").getFirst();
        Flow moved = new Flow("elsewhere.pcapng", f.ipVersion(), f.protocol(), InetAddress.ofLiteral("10.9.8.7"),
                f.srcPort(), InetAddress.ofLiteral("203.0.113.5"), f.dstPort(), f.vlan(), f.tunnelled(), f.firstNanos(),
                f.lastNanos(), f.forward(), f.backward(), f.handshake(), f.names(), f.firstPackets(), f.end(), f.heads());
        assertThat(Features.of(moved)).containsExactly(Features.of(f));
        assertThat(Features.NAMES).noneMatch(n -> List.of(n.split("_")).stream()
                .anyMatch(w -> List.of("ip", "addr", "address", "capture", "file").contains(w)));
    }

    @Test
    void everyVerdictIsAClassOrUnknownWithAConfidenceInRange() {
        FlowClassifier c = FlowClassifier.standard();
        for (String capture : List.of("6in4tunnel.pcap", "gre.pcapng", "ipsec_isakmp_esp.pcap")) {
            for (Flow f : flows(capture)) {
                Verdict v = c.classify(f);
                assertThat(v.confidence()).isBetween(0.0, 1.0);
                assertThat(v.known() ? v.confidence() >= ForestClassifier.UNKNOWN_BELOW : v.confidence() == 0).isTrue();
            }
        }
    }
}
