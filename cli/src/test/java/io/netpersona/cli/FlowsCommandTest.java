package io.netpersona.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.learn.Flows;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class FlowsCommandTest {
    @TempDir
    Path dir;

    static Path capture(String name) {
        Path p = Path.of(System.getProperty("ndpi.train", "../../shared/data/ndpi-train")).resolve("pcap").resolve(name);
        assertThat(p).as("the shared captures (shared/data/ndpi-train beside the work tree)").isRegularFile();
        return p;
    }

    @Test
    void tableByDefault() {
        MainTest.Result r = MainTest.run("flows", capture("443-curl.pcap").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("443-curl.pcap\nL4     SOURCE")
                .containsPattern("TCP +192\\.168\\.1\\.13:55523 +178\\.62\\.197\\.130:443 +51/58 +4260/69\\.7K .* www\\.ntop\\.org\n")
                .contains("443-curl.pcap: pcap, 109 frames, 1 flow\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void csvHasAHeaderAndARowPerFlow() {
        Path ipv6 = capture("6in4tunnel.pcap");
        MainTest.Result r = MainTest.run("flows", "-o", "csv", ipv6.toString(), capture("443-curl.pcap").toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.getFirst()).startsWith("capture,l4,src_ip,src_port,dst_ip,dst_port,vlan,packets,bytes,");
        assertThat(lines).hasSize(1 + 10 + 1);
        // packets and bytes as labels.csv has them
        String curl = lines.stream().filter(l -> l.startsWith("443-curl.pcap,")).findFirst().orElseThrow();
        assertThat(curl).startsWith("443-curl.pcap,TCP,192.168.1.13,55523,178.62.197.130,443,,109,73982,51,4260,58,69722,"
                + "2020-02-07T22:05:20.474299Z,1096.093,38.799,").endsWith(",0,0,www.ntop.org,www.ntop.org,,,,capture_end");
        String[] f = curl.split(",", -1);
        assertThat(Double.parseDouble(f[16])).as("timestamp-echo RTT near the handshake's").isCloseTo(38.799,
                org.assertj.core.data.Offset.offset(2.0));
        assertThat(lines).anyMatch(l -> l.startsWith("6in4tunnel.pcap,TCP,2001:470:1f17:13f:3e97:eff:fe73:4dec,53234,"
                + "2a03:2880:1010:6f03:face:b00c:0:2,443,,33,13926,18,6894,15,7032,"));
        int columns = lines.getFirst().split(",", -1).length;
        assertThat(lines).allSatisfy(l -> assertThat(l.split(",", -1)).hasSize(columns));
    }

    @Test
    void jsonHasTheFlowsAndTheCountsOfEachCapture() {
        MainTest.Result r = MainTest.run("flows", "-o", "json", capture("dns_invert_query.pcapng").toString(),
                capture("gre.pcapng").toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode root = JsonMapper.builder().build().readTree(r.out());
        assertThat(root.get("flows")).hasSize(2);
        JsonNode gre = root.get("flows").get(1);
        assertThat(gre.get("l4").asString()).isEqualTo("UDP");
        assertThat(gre.get("vlan").asInt()).isEqualTo(142);
        assertThat(gre.get("tunnelled").asBoolean()).isTrue();
        assertThat(gre.get("forward").get("bytes").asLong()).isEqualTo(384);
        assertThat(gre.get("forward").get("sizes").get("histogram")).hasSize(7);
        assertThat(root.get("captures")).hasSize(2);
        assertThat(root.get("captures").get(0).get("format").asString()).isEqualTo("pcapng");
        assertThat(root.get("captures").get(0).get("complete").asBoolean()).isTrue();
    }

    @Test
    void missingFilesAndFilesThatAreNoCaptureFailByName() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.pcap"), "not a capture at all");
        MainTest.Result r = MainTest.run("flows", dir.resolve("missing.pcap").toString(), text.toString(),
                capture("443-curl.pcap").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("persona: " + dir.resolve("missing.pcap") + ": no such file\n",
                "persona: " + text + ": offset 0: not a capture");
        assertThat(r.out()).as("the readable file is still shown").contains("www.ntop.org");
    }

    @Test
    void aFileBrokenInTheMiddleGivesItsFlowsAndAWarning() throws IOException {
        byte[] whole = Files.readAllBytes(capture("443-curl.pcap"));
        Path cut = Files.write(dir.resolve("cut.pcap"), java.util.Arrays.copyOf(whole, whole.length - 100));
        MainTest.Result r = MainTest.run("flows", "-o", "csv", cut.toString());
        assertThat(r.code()).isZero();
        assertThat(r.err()).startsWith("persona: warning: " + cut + ": offset ").contains("cut short by the end of the file");
        assertThat(r.out().lines()).hasSize(2);
    }

    @Test
    void progressShowsThroughputOnceAFileTakesASecond() {
        StringWriter err = new StringWriter();
        AtomicLong clock = new AtomicLong();
        ProgressLine line = new ProgressLine(new PrintWriter(err), true, () -> clock.getAndAdd(400_000_000L));
        line.start();
        Path file = Path.of("big.pcap");
        line.update(file, 1_000_000, 4_000_000, 10_000);
        assertThat(err.toString()).as("not before a second").isEmpty();
        line.update(file, 2_000_000, 4_000_000, 20_000);
        line.update(file, 3_000_000, 4_000_000, 30_000);
        assertThat(err.toString()).contains("big.pcap:  75%", "packets/s", "MB/s");
    }

    @Test
    void noProgressUnlessAskedOrATerminal() {
        StringWriter err = new StringWriter();
        AtomicLong clock = new AtomicLong();
        Flows.Progress line = new ProgressLine(new PrintWriter(err), false, () -> clock.getAndAdd(5_000_000_000L));
        line.update(Path.of("big.pcap"), 1, 2, 3);
        line.update(Path.of("big.pcap"), 1, 2, 3);
        assertThat(err.toString()).isEmpty();
        assertThat(FlowsCommand.isTerminal(dir.resolve("no-such-link"))).isFalse();
    }
}
