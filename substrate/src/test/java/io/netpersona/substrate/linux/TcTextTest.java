package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class TcTextTest {
    /** {@code tc -s class show} of iproute2 6.1, which prints text even when asked for JSON. */
    static final String CLASSES = """
            class htb 1:1 root rate 19Mbit ceil 19Mbit burst 1596b cburst 1596b\s
             Sent 23449190 bytes 15962 pkt (dropped 0, overlimits 406 requeues 0)\s
             backlog 0b 0p requeues 0
             lended: 485 borrowed: 411 giants: 0
             tokens: 10515 ctokens: 10515

            class htb 1:2 parent 1:1 prio 4 rate 1900Kbit ceil 19Mbit burst 1599b cburst 1596b\s
             Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0)\s
             backlog 0b 0p requeues 0
             lended: 0 borrowed: 0 giants: 0
             tokens: 105250 ctokens: 10515

            class htb 1:1a parent 1:1 leaf 1a: prio 0 rate 2Mbit ceil 19Mbit burst 32Kb cburst 32Kb\s
             Sent 1226340 bytes 815 pkt (dropped 12, overlimits 387 requeues 1)\s
             backlog 148Kb 18p requeues 1
             lended: 266 borrowed: 0 giants: 0
             tokens: 2048000 ctokens: 215578
            """;

    @Test
    void readsClassesWithTheirNumbersAndConfigLine() {
        JsonNode classes = TcText.classes(CLASSES);
        assertThat(classes).hasSize(3);
        JsonNode root = new HostView(new Commands()).find(classes, "handle", "1:1").orElseThrow();
        assertThat(root.path("root").asBoolean()).isTrue();
        assertThat(root.path("rate").asLong()).isEqualTo(19_000_000L);
        assertThat(root.path("overlimits").asLong()).isEqualTo(406);
        JsonNode dflt = new HostView(new Commands()).find(classes, "handle", "1:2").orElseThrow();
        assertThat(dflt.path("parent").asString()).isEqualTo("1:1");
        assertThat(dflt.path("prio").asLong()).isEqualTo(4);
        assertThat(dflt.path("rate").asLong()).isEqualTo(1_900_000L);
        JsonNode leaf = new HostView(new Commands()).find(classes, "handle", "1:1a").orElseThrow();
        assertThat(leaf.path("leaf").asString()).isEqualTo("1a:");
        assertThat(leaf.path("burst").asLong()).isEqualTo(32768);
        assertThat(leaf.path("bytes").asLong()).isEqualTo(1226340);
        assertThat(leaf.path("packets").asLong()).isEqualTo(815);
        assertThat(leaf.path("drops").asLong()).isEqualTo(12);
        assertThat(leaf.path("requeues").asLong()).isEqualTo(1);
        assertThat(leaf.path("backlog").asLong()).isEqualTo(148 * 1024);
        assertThat(leaf.path("qlen").asLong()).isEqualTo(18);
        assertThat(leaf.path("config").asString())
                .isEqualTo("class htb 1:1a parent 1:1 leaf 1a: prio 0 rate 2Mbit ceil 19Mbit burst 32Kb cburst 32Kb");
    }

    @Test
    void readsTheDetailedFormToo() {
        JsonNode c = TcText.classes("class htb 1:ff00 parent 1:1 leaf ff00: prio 3 quantum 15432 rate 1234Kbit ceil 19Mbit "
                + "linklayer ethernet burst 1233b/1 mpu 0b cburst 2997b/1 mpu 0b level 0 \n").get(0);
        assertThat(c.path("quantum").asLong()).isEqualTo(15432);
        assertThat(c.path("rate").asLong()).isEqualTo(1_234_000L);
        assertThat(c.path("burst").asLong()).isEqualTo(1233);
        assertThat(c.path("cburst").asLong()).isEqualTo(2997);
        assertThat(c.path("level").asLong()).isZero();
    }

    @Test
    void ratesAndSizesAsTcPrintsThem() {
        assertThat(TcText.rate("19Mbit")).isEqualTo(19_000_000L);
        assertThat(TcText.rate("190Kbit")).isEqualTo(190_000L);
        assertThat(TcText.rate("2Gbit")).isEqualTo(2_000_000_000L);
        assertThat(TcText.rate("8bit")).isEqualTo(8L);
        assertThat(TcText.rate("1Kibit")).isEqualTo(1024L);
        assertThat(TcText.size("1596b")).isEqualTo(1596);
        assertThat(TcText.size("32Kb")).isEqualTo(32768);
        assertThat(TcText.size("1Mb")).isEqualTo(1 << 20);
        assertThat(TcText.size("1233b/1")).isEqualTo(1233);
        assertThatThrownBy(() -> TcText.rate("fast")).hasMessageContaining("not a tc rate: fast");
    }

    @Test
    void wordsOfOtherClassKindsOrLaterVersionsAreSkipped() {
        JsonNode c = TcText.classes("class mq :1 root \nclass htb 1:5 parent 1:1 prio x rate 3Mbit newword 7 ceil 4Mbit\n");
        assertThat(c).hasSize(2);
        assertThat(c.get(0).path("root").asBoolean()).isTrue();
        assertThat(c.get(1).has("prio")).isFalse();
        assertThat(c.get(1).path("rate").asLong()).isEqualTo(3_000_000L);
        assertThat(c.get(1).path("ceil").asLong()).isEqualTo(4_000_000L);
    }

    @Test
    void nothingPrintedIsNoClasses() {
        assertThat(TcText.classes("")).isEmpty();
    }
}
