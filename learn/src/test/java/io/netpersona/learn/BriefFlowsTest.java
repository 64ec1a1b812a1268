package io.netpersona.learn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BriefFlowsTest {
    @ParameterizedTest
    @ValueSource(strings = {"wechat.pcap", "gnutella.pcap", "443-firefox.pcap"})
    void withoutDetailAFlowLacksOnlyItsDistributionsAndFirstPackets(String name) {
        FlowMeter.Options full = FlowMeter.Options.DEFAULTS.withArp(true);
        List<Flow> whole = new ArrayList<>(), brief = new ArrayList<>();
        Flows.read(TrainingData.capture(name), full, whole::add, Flows.Progress.NONE);
        Flows.read(TrainingData.capture(name), full.withDetail(0, false), brief::add, Flows.Progress.NONE);

        assertThat(whole).isNotEmpty().anyMatch(f -> f.forward().sizes().count() > 1 && !f.firstPackets().isEmpty());
        assertThat(brief).hasSameSizeAs(whole).allMatch(f -> f.firstPackets().isEmpty()
                && f.forward().sizes() == Distribution.EMPTY && f.forward().gaps() == Distribution.EMPTY
                && f.backward().sizes() == Distribution.EMPTY && f.backward().gaps() == Distribution.EMPTY);
        for (int i = 0; i < whole.size(); i++) {
            Flow w = whole.get(i);
            assertThat(brief.get(i)).as("flow %d", i).isEqualTo(new Flow(w.capture(), w.ipVersion(), w.protocol(),
                    w.srcAddress(), w.srcPort(), w.dstAddress(), w.dstPort(), w.vlan(), w.tunnelled(), w.firstNanos(),
                    w.lastNanos(), brief(w.forward()), brief(w.backward()), w.handshake(), w.names(), List.of(), w.end(),
                    w.heads()));
        }
    }

    private static Flow.Side brief(Flow.Side s) {
        return new Flow.Side(s.packets(), s.bytes(), s.payloadBytes(), Distribution.EMPTY, Distribution.EMPTY,
                s.retransmissions(), s.tcpFlags(), s.echoRtt());
    }
}
