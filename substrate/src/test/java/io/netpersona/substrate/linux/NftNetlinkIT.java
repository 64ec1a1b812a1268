package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A host table's elements sent as nf_tables netlink messages against the same script run by {@code nft -f}:
 * the kernel holds the same ruleset either way (its own JSON), for every shape of element the driver writes,
 * added and deleted; a refused element leaves none of its batch behind and names its step.
 */
class NftNetlinkIT {
    private TestNet net;
    private String viaNft;
    private String viaNetlink;

    @BeforeEach
    void hosts() {
        net = new TestNet();
        viaNft = net.ns("f");
        viaNetlink = net.ns("n");
    }

    @AfterEach
    void cleanUp() {
        net.close();
    }

    private static Step step(String id) {
        return new Step.Create(new Resource(HostEntriesKind.KIND, "", id, Map.of()));
    }

    private static final String T = "inet netpersona ";

    /** Every element shape of the shared table: v4 and v6, hashes, concatenations, ranges, maps, limits, a chain of its own. */
    private static List<String> additions() {
        return List.of(
                "add chain " + T + "p1a_log",
                "add rule " + T + "p1a_log log prefix \"netpersona a drop \"",
                "add element " + T + "fw_drop4 { 10.1.0.1, 10.1.0.2 }",
                "add element " + T + "fw_drop6 { fd00::1 }",
                "add element " + T + "fw_rx4 { 10.1.0.1, 10.1.0.2 }",
                "add element " + T + "fw_tx6 { fd00::1 }",
                "add element " + T + "fw_newconn4 { 10.1.0.1 limit rate over 200/second burst 200 packets, 10.1.0.2 limit rate over 5/second }",
                "add element " + T + "fw_newconn6 { fd00::1 limit rate over 7/minute burst 9 packets }",
                "add element " + T + "fw_in_tcp4p { 10.1.0.1 . 8080, 10.1.0.2 . 22 }",
                "add element " + T + "fw_out_udp6p { fd00::1 . 53 }",
                "add element " + T + "fw_in_udp4 { 10.1.0.1 . 10.0.0.0/8 . 5353, 10.1.0.2 . 10.2.3.4 . 0-65535, 10.1.0.2 . 0.0.0.0/0 . 1000-2000 }",
                "add element " + T + "fw_out_tcp6 { fd00::1 . fd00:1::/64 . 443, fd00::1 . 2001:db8::7 . 80 }",
                "add element " + T + "fw_in_any6 { fd00::1 . ::/0 }",
                "add element " + T + "fw_out_icmp4 { 10.1.0.1 . 192.168.0.0/16 }",
                "add element " + T + "qos_prio4 { 10.1.0.1 : 1:2a, 10.1.0.2 : 1:ffff }",
                "add element " + T + "qos_prio6 { fd00::1 : 1:10 }",
                "add element " + T + "qos_dscp4 { 10.1.0.1 : jump dscp_18, 10.1.0.2 : jump dscp_46 }",
                "add element " + T + "qos_dscp6 { fd00::1 : jump dscp6_46 }",
                "add element " + T + "fw_log4 { 10.1.0.1 : jump p1a_log }");
    }

    private Optional<BatchRunner.Failure> run(String ns, boolean netlink, List<String> lines) {
        Batches b = new Batches();
        for (int i = 0; i < lines.size(); i++) {
            b.from(step("line " + i));
            b.nft(ns, lines.get(i));
        }
        BatchRunner runner = new BatchRunner(net.commands());
        runner.nftOverNetlink(netlink);
        return runner.run(b, false);
    }

    private String ruleset(String ns) {
        return net.commands().check(Commands.nft(ns, "-j", "list", "ruleset"), null);
    }

    @Test
    void theKernelHoldsWhatNftWouldHaveMadeAddedAndDeleted() {
        for (String ns : List.of(viaNft, viaNetlink)) {
            assertThat(run(ns, false, List.of(HostTable.skeleton()))).isEmpty();
        }
        long processes = net.commands().started();
        assertThat(run(viaNft, false, additions())).isEmpty();
        assertThat(net.commands().started() - processes).isEqualTo(1);
        processes = net.commands().started();
        assertThat(run(viaNetlink, true, additions())).isEmpty();
        assertThat(net.commands().started() - processes).as("the chain and its rule go over netlink too").isZero();
        String expected = ruleset(viaNft);
        assertThat(expected).contains("\"10.0.0.0\"", "fd00:1::", "\"rate\": 200", "\"jump\": {\"target\": \"dscp6_46\"}",
                "\"1:2a\"", "1000", "p1a_log");
        assertThat(ruleset(viaNetlink)).isEqualTo(expected);

        List<String> deletions = List.of(
                "delete element " + T + "fw_log4 { 10.1.0.1 }",
                "delete element " + T + "fw_drop4 { 10.1.0.2 }",
                "delete element " + T + "fw_newconn4 { 10.1.0.1 }",
                "delete element " + T + "fw_in_udp4 { 10.1.0.1 . 10.0.0.0/8 . 5353, 10.1.0.2 . 0.0.0.0/0 . 1000-2000 }",
                "delete element " + T + "fw_out_tcp6 { fd00::1 . fd00:1::/64 . 443 }",
                "delete element " + T + "qos_prio4 { 10.1.0.2 }",
                "delete element " + T + "qos_dscp6 { fd00::1 }",
                "delete element " + T + "fw_in_tcp4p { 10.1.0.2 . 22 }",
                "flush chain " + T + "p1a_log",
                "delete chain " + T + "p1a_log");
        assertThat(run(viaNft, false, deletions)).isEmpty();
        assertThat(run(viaNetlink, true, deletions)).isEmpty();
        String after = ruleset(viaNft);
        assertThat(after).isNotEqualTo(expected).doesNotContain("p1a_log", "5353", "fd00:1::");
        assertThat(ruleset(viaNetlink)).isEqualTo(after);

        // and what netlink made, nft removes (and the other way round): the same elements, not look-alikes
        assertThat(run(viaNetlink, false, List.of("delete element " + T + "fw_in_udp4 { 10.1.0.2 . 10.2.3.4 . 0-65535 }"))).isEmpty();
        assertThat(run(viaNft, true, List.of("delete element " + T + "fw_in_udp4 { 10.1.0.2 . 10.2.3.4 . 0-65535 }"))).isEmpty();
        assertThat(ruleset(viaNetlink)).isEqualTo(ruleset(viaNft)).doesNotContain("10.2.3.4");
    }

    @Test
    void aRefusedElementLeavesNoneOfItsBatchAndNamesItsStep() {
        assertThat(run(viaNetlink, false, List.of(HostTable.skeleton()))).isEmpty();
        String before = ruleset(viaNetlink);
        List<String> lines = List.of(
                "add element " + T + "fw_drop4 { 10.1.0.1, 10.1.0.2 }",
                "add element " + T + "fw_rx4 { 10.1.0.1 }",
                "add element " + T + "qos_dscp4 { 10.1.0.3 : jump nosuch }", // no such chain
                "add element " + T + "fw_tx4 { 10.1.0.1 }");
        Optional<BatchRunner.Failure> failed = run(viaNetlink, true, lines);
        assertThat(failed).get().satisfies(f -> {
            assertThat(f.step()).isEqualTo(step("line 2"));
            assertThat(f.reason()).contains("qos_dscp4").contains("No such file or directory (errno 2)");
        });
        assertThat(ruleset(viaNetlink)).isEqualTo(before);

        // an element of a set that is not there: refused as a whole too
        assertThat(run(viaNetlink, true, List.of("add element " + T + "fw_drop4 { 10.1.0.1 }",
                "add element " + T + "nosuch4 { 10.1.0.1 }"))).get()
                .satisfies(f -> assertThat(f.step()).isEqualTo(step("line 1")));
        assertThat(ruleset(viaNetlink)).isEqualTo(before);
    }
}
