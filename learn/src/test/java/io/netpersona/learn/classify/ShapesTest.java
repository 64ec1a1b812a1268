package io.netpersona.learn.classify;

import static io.netpersona.learn.classify.StandardClassifierTest.flows;
import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.learn.Flow;
import org.junit.jupiter.api.Test;

/** The heads the meter keeps, and the header shapes read from them, on flows whose protocol is known. */
class ShapesTest {

    @Test
    void tlsBothWays() {
        Flow f = flows("443-curl.pcap").getFirst();
        assertThat(f.heads().length(true)).isEqualTo(Flow.Heads.BYTES);
        assertThat(f.heads().at(true, 0)).as("a TLS handshake record").isEqualTo(0x16);
        assertThat(Shapes.tls(f.heads(), true)).isTrue();
        assertThat(Shapes.tls(f.heads(), false)).isTrue();
        assertThat(Shapes.http(f.heads(), true)).isFalse();
        assertThat(Shapes.text(f.heads(), true)).isLessThan(0.9);
    }

    @Test
    void dnsQueryAndHttpRequest() {
        Flow dns = flows("6in4tunnel.pcap").stream().filter(f -> f.dstPort() == 53).findFirst().orElseThrow();
        assertThat(Shapes.dns(dns.heads(), true)).isTrue();
        assertThat(Shapes.tls(dns.heads(), true)).isFalse();
        Flow web = flows("http.pcapng").getFirst();
        assertThat(Shapes.http(web.heads(), true)).isTrue();
        assertThat(Shapes.http(web.heads(), false)).as("the status line").isTrue();
        assertThat(Shapes.text(web.heads(), true)).isEqualTo(1.0);
    }

    @Test
    void aSideThatSentNoPayloadHasNoHead() {
        Flow.Heads h = new Flow.Heads(new byte[] {1, 2, 3}, new byte[0]);
        assertThat(h.length(false)).isZero();
        assertThat(h.at(false, 0)).isEqualTo(-1);
        assertThat(h.at(true, 2)).isEqualTo(3);
        assertThat(h.at(true, 3)).isEqualTo(-1);
        assertThat(Shapes.tls(h, false)).isFalse();
    }
}
