package io.netpersona.cli;

import static io.netpersona.cli.FlowsCommandTest.capture;
import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.learn.Flow;
import io.netpersona.learn.FlowMeter;
import io.netpersona.learn.Flows;
import io.netpersona.learn.classify.FlowClassifier;
import io.netpersona.learn.classify.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ClassifyCommandTest {
    static final String HEADER = "capture,l4,src_ip,src_port,dst_ip,dst_port,packets,bytes,traffic_class,confidence,"
            + "server_name";
    static final Set<String> CLASSES = Set.of("realtime", "streaming", "interactive", "transactional", "bulk", "control",
            "messaging", "tunnel", "unknown");

    @Test
    void csvHasTheColumnsInOrderAndARowPerFlow() {
        MainTest.Result r = MainTest.run("classify", "-o", "csv", capture("443-curl.pcap").toString(),
                capture("6in4tunnel.pcap").toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.getFirst()).isEqualTo(HEADER);
        assertThat(lines).hasSize(1 + 1 + 10);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            assertThat(f).as(line).hasSize(11);
            assertThat(f[1]).isIn("TCP", "UDP", "ICMP");
            assertThat(f[8]).isIn(CLASSES);
            assertThat(Double.parseDouble(f[9])).isBetween(0.0, 1.0);
        }

        // the flow as labels.csv has it, with the class the learn module gives that flow
        Flow curl = flows("443-curl.pcap").getFirst();
        Verdict v = FlowClassifier.standard().classify(curl);
        assertThat(lines).contains("443-curl.pcap,TCP,192.168.1.13,55523,178.62.197.130,443,109,73982," + v.label() + ","
                + FlowWriter.decimal(v.confidence()) + ",www.ntop.org");
        assertThat(lines).as("ICMPv6 flows are listed with ports 0").anyMatch(l -> l.startsWith(
                "6in4tunnel.pcap,ICMP,2001:470:1f17:13f:3e97:eff:fe73:4dec,0,2604:a880:1:20::224:b001,0,46,6348,"));
    }

    @Test
    void namesWithCommasQuotesOrLineBreaksAreQuoted() {
        assertThat(FlowWriter.Csv.field("plain.example")).isEqualTo("plain.example");
        assertThat(FlowWriter.Csv.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(FlowWriter.Csv.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(FlowWriter.Csv.field("two\nlines")).isEqualTo("\"two\nlines\"");
    }

    @Test
    void l4IsTcpUdpIcmpOrTheProtocolNumber() {
        assertThat(ClassifyCommand.l4(6)).isEqualTo("TCP");
        assertThat(ClassifyCommand.l4(17)).isEqualTo("UDP");
        assertThat(ClassifyCommand.l4(1)).isEqualTo("ICMP");
        assertThat(ClassifyCommand.l4(58)).isEqualTo("ICMP");
        assertThat(ClassifyCommand.l4(50)).isEqualTo("50");
        assertThat(ClassifyCommand.l4(0x0806)).isEqualTo("ARP");
    }

    @Test
    void arpMessagesAreControlFlowsListedAsFlowsListsThem() {
        String file = capture("nest_log_sink.pcap").toString();
        MainTest.Result classify = MainTest.run("classify", "-o", "csv", file);
        MainTest.Result flows = MainTest.run("flows", "-o", "csv", file);
        assertThat(classify.code()).as(classify.err()).isZero();
        assertThat(flows.code()).as(flows.err()).isZero();
        List<String> arp = classify.out().lines().filter(l -> l.split(",", -1)[1].equals("ARP")).toList();
        assertThat(arp).isNotEmpty();
        List<String> listed = new ArrayList<>();
        for (String line : arp) {
            String[] f = line.split(",", -1);
            assertThat(f[3]).as(line).isEqualTo("0");
            assertThat(f[5]).as(line).isEqualTo("0");
            assertThat(f[8]).as(line).isEqualTo("control");
            assertThat(f[2]).as(line).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
            listed.add(String.join(",", f[2], f[4], f[6], f[7]));
        }
        // the flows command lists the same ARP flows: addresses, packets, bytes
        List<String> fromFlows = flows.out().lines().map(l -> l.split(",", -1)).filter(f -> f[1].equals("ARP"))
                .map(f -> String.join(",", f[2], f[4], f[7], f[8])).toList();
        assertThat(fromFlows).containsExactlyElementsOf(listed);
    }

    @Test
    void jsonAndTableCarryTheSameFlows() {
        String file = capture("443-curl.pcap").toString();
        MainTest.Result json = MainTest.run("classify", "-o", "json", file);
        assertThat(json.code()).as(json.err()).isZero();
        JsonNode flows = JsonMapper.builder().build().readTree(json.out());
        assertThat(flows).hasSize(1);
        assertThat(flows.get(0).propertyNames()).containsExactly(HEADER.split(","));
        assertThat(flows.get(0).get("bytes").asLong()).isEqualTo(73982);
        assertThat(flows.get(0).get("server_name").asString()).isEqualTo("www.ntop.org");

        MainTest.Result table = MainTest.run("classify", file);
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out()).startsWith("CAPTURE ").containsPattern(
                "443-curl.pcap +TCP +192\\.168\\.1\\.13:55523 +178\\.62\\.197\\.130:443 +109 +73982 +[a-z]+ +[01]\\.\\d{3} +"
                        + "www\\.ntop\\.org\n");
    }

    @Test
    void helpNamesTheColumns() {
        MainTest.Result r = MainTest.run("classify", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out().replaceAll("\\s+", "")).contains(HEADER);
    }

    @Test
    void aMissingFileIsNamedAndTheOthersStillShown() {
        MainTest.Result r = MainTest.run("classify", "-o", "csv", "no-such.pcap", capture("443-curl.pcap").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("persona: no-such.pcap: no such file");
        assertThat(r.out()).startsWith(HEADER + "\n443-curl.pcap,");
    }

    private static List<Flow> flows(String name) {
        List<Flow> flows = new ArrayList<>();
        Flows.read(capture(name), FlowMeter.Options.DEFAULTS, flows::add, Flows.Progress.NONE);
        return flows;
    }
}
