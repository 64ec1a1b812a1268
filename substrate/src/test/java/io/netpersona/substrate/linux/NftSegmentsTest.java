package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.substrate.Step;
import io.netpersona.substrate.linux.netlink.NftCommand;
import io.netpersona.substrate.linux.netlink.NftElements;
import io.netpersona.substrate.linux.netlink.NftStructure;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An nft batch of a host's shared table as one netlink transaction: the skeleton as one command of all its
 * messages, a persona's objects and elements after it, in the script's order; a line without a netlink form
 * sends the batch the old way (nft for the structure, netlink for the elements).
 */
class NftSegmentsTest {
    private static final String T = "inet netpersona ";

    @Test
    void theSkeletonAndAPersonaGoInOnePart() {
        Step table = NftScriptTest.step("table");
        Step web = NftScriptTest.step("web p2a_");
        String persona = String.join("\n",
                "add chain " + T + "p2a_log",
                "add rule " + T + "p2a_log limit rate 10/second burst 20 packets log prefix \"netpersona web drop \"",
                "add element " + T + "fw_log4 { 10.0.0.1 : jump p2a_log }",
                "add element " + T + "fw_rx4 { 10.0.0.1 }");
        Batches.Batch b = NftScriptTest.batch(List.of(table, web), List.of(HostTable.skeleton(), persona));
        NftSegments s = NftSegments.whole(NftScript.grouped(b)).orElseThrow();
        assertThat(s.segments()).hasSize(1);
        NftSegments.Segment part = s.segments().getFirst();
        assertThat(part.script()).isNull();
        assertThat(part.commands()).extracting(NftCommand::describe).containsExactly(
                "add table inet netpersona (its skeleton)", "add chain inet netpersona p2a_log", "add rule inet netpersona p2a_log",
                "add element inet netpersona fw_log4", "add element inet netpersona fw_rx4");
        assertThat(part.origins()).containsExactly(List.of(table), List.of(web), List.of(web), List.of(web), List.of(web));
        // one message per command of the skeleton, as nft sends a table block
        NftCommand skeleton = part.commands().getFirst();
        assertThat(skeleton.requests()).hasSize(NftCommands.split(HostTable.skeleton()).size());
        assertThat(skeleton.firstLine()).isEqualTo(1);
        assertThat(skeleton.lines()).isEqualTo((int) HostTable.skeleton().lines().count());
        assertThat(part.commands().get(1).firstLine()).isEqualTo(skeleton.lines() + 2); // after the skeleton's blank last line
        assertThat(part.commands().get(3)).isInstanceOf(NftElements.class);
        // should the socket fail before sending, nft gets the same lines (its own blank line left out)
        NftScript again = part.asText(NftScript.grouped(b));
        assertThat(again.text()).isEqualTo(HostTable.skeleton() + persona + "\n");
        assertThat(again.lineOrigins().getFirst()).containsExactly(table);
        assertThat(again.lineOrigins().getLast()).containsExactly(web);
    }

    @Test
    void theSkeletonsMessagesAreTheSameMadeOnceOrAgain() {
        String first = hex(HostTableMessages.skeleton(new NftStructure.Batch(), 1));
        assertThat(hex(HostTableMessages.skeleton(new NftStructure.Batch(), 5))).isEqualTo(first);
        // after a set of the same batch, the skeleton's sets and the lookups of them have the next ids
        NftStructure.Batch batch = new NftStructure.Batch();
        NftStructure.parse("add set " + T + "p1_src4 { type ipv4_addr; size 65535; flags dynamic; }", batch, 1).orElseThrow();
        assertThat(hex(HostTableMessages.skeleton(batch, 2))).isNotEqualTo(first).hasSameSizeAs(first);
    }

    private static String hex(NftCommand c) {
        StringBuilder s = new StringBuilder();
        c.requests().forEach(m -> s.append(m.type()).append(' ').append(m.flags()).append(' ').append(HexFormat.of().formatHex(m.body())).append('\n'));
        return s.toString();
    }

    @Test
    void aLineWithoutANetlinkFormSendsTheBatchTheOldWay() {
        Step a = NftScriptTest.step("a p10_");
        Batches.Batch b = NftScriptTest.batch(List.of(a), List.of(String.join("\n",
                "add counter " + T + "p10_c",
                "add element " + T + "fw_rx4 { 10.0.0.1 }")));
        NftScript grouped = NftScript.grouped(b);
        assertThat(NftSegments.whole(grouped)).isEqualTo(Optional.empty());
        NftSegments old = NftSegments.of(grouped);
        assertThat(old.segments()).hasSize(2);
        assertThat(old.segments().get(0).script().text()).isEqualTo("add counter " + T + "p10_c\n");
        assertThat(old.segments().get(1).commands()).hasSize(1);
    }

    @Test
    void whatADeletionOfTheTableDoesAnywayIsLeftOut() {
        Step web = NftScriptTest.step("web p2a_");
        Step table = NftScriptTest.step("table");
        Batches.Batch b = NftScriptTest.batch(List.of(web, table), List.of(String.join("\n",
                "delete element " + T + "fw_rx4 { 10.0.0.1 }",
                "delete set inet other p2a_src4",
                "flush chain " + T + "p2a_log",
                "delete chain " + T + "p2a_log",
                "delete set " + T + "p2a_src4",
                "add table " + T.strip()), "delete table " + T.strip()));
        NftSegments s = NftSegments.whole(NftScript.grouped(b)).orElseThrow();
        assertThat(s.segments().getFirst().commands()).extracting(NftCommand::describe).containsExactly(
                "delete set inet other p2a_src4", "add table inet netpersona", "delete table inet netpersona");
        assertThat(s.segments().getFirst().origins()).containsExactly(List.of(web), List.of(web), List.of(table));
    }

    @Test
    void elementsAKindGaveAsSuchAreTheMessagesOfTheirTextByteForByte() {
        Step table = NftScriptTest.step("table");
        Step web = new Step.Create(new io.netpersona.substrate.Resource(HostEntriesKind.KIND, "h", "web p2a_", java.util.Map.of(
                "addresses", "10.0.0.1,fd00::1",
                "e:fw_rx4", "10.0.0.1", "e:fw_rx6", "fd00::1",
                "e:fw_in_tcp4", "10.0.0.1 . 10.0.0.0/8 . 8080, 10.0.0.1 . 0.0.0.0/0 . 1000-2000",
                "e:fw_in_tcp4p", "10.0.0.1 . 443",
                "e:qos_prio4", "10.0.0.1 : 1:2a", "e:qos_dscp4", "10.0.0.1 : jump dscp_18",
                "e:fw_newconn4", "10.0.0.1 limit rate over 200/second burst 200 packets",
                "e:fw_log4", "10.0.0.1 : jump p2a_log",
                "o:chain p2a_log", "limit rate 10/second burst 20 packets log prefix \"netpersona web drop \"")));
        io.netpersona.substrate.Resource was = new io.netpersona.substrate.Resource(HostEntriesKind.KIND, "h", "db p2b_", java.util.Map.of(
                "addresses", "10.0.0.2", "e:fw_rx4", "10.0.0.2", "e:fw_in_udp4p", "10.0.0.2 . 53, 10.0.0.2 . 5353",
                "e:fw_newconn4", "10.0.0.2 limit rate over 5/second"));
        Step db = new Step.Modify(was, new io.netpersona.substrate.Resource(HostEntriesKind.KIND, "h", "db p2b_", java.util.Map.of(
                "addresses", "10.0.0.2", "e:fw_rx4", "10.0.0.2", "e:fw_in_udp4p", "10.0.0.2 . 53",
                "e:fw_newconn4", "10.0.0.2 limit rate over 20/second burst 20 packets")));
        Batches made = new Batches();
        made.from(table);
        made.nft("h", HostTable.skeleton());
        for (Step s : List.of(web, db)) {
            made.from(s);
            new HostEntriesKind().render(s, made);
        }
        Batches.Batch ops = made.all().getFirst();
        assertThat(made.all()).hasSize(1);
        assertThat(ops.nftOps()).hasSize(3);
        // the same batch as script text, as the kinds wrote it before
        Batches.Batch text = NftScriptTest.batch(List.of(table, web, db), List.copyOf(ops.lines()));
        NftScript fromOps = NftScript.grouped(ops);
        NftScript fromText = NftScript.grouped(text);
        assertThat(fromOps.text()).isEqualTo(fromText.text());
        assertThat(fromOps.lineOrigins()).isEqualTo(fromText.lineOrigins());
        assertThat(fromOps.text()).contains("delete element inet netpersona fw_in_udp4p { 10.0.0.2 . 5353 }",
                "add element inet netpersona fw_rx4 { 10.0.0.1 }");
        NftSegments a = NftSegments.whole(fromOps).orElseThrow();
        NftSegments b = NftSegments.whole(fromText).orElseThrow();
        List<NftCommand> ca = a.segments().getFirst().commands();
        List<NftCommand> cb = b.segments().getFirst().commands();
        assertThat(ca).extracting(NftCommand::describe).containsExactlyElementsOf(cb.stream().map(NftCommand::describe).toList())
                .contains("add element inet netpersona fw_in_tcp4", "delete element inet netpersona fw_newconn4");
        assertThat(ca.stream().map(NftSegmentsTest::hex).toList()).containsExactlyElementsOf(cb.stream().map(NftSegmentsTest::hex).toList());
        assertThat(ca.stream().map(NftCommand::firstLine).toList()).isEqualTo(cb.stream().map(NftCommand::firstLine).toList());
        assertThat(a.segments().getFirst().origins()).isEqualTo(b.segments().getFirst().origins());
        // should the socket fail before sending, nft gets the lines of the text
        assertThat(a.segments().getFirst().asText(fromOps).text()).isEqualTo(b.segments().getFirst().asText(fromText).text());
        // and a batch that goes to nft in parts has its element commands made the same way
        assertThat(NftSegments.of(fromOps).segments()).hasSameSizeAs(NftSegments.of(fromText).segments());
    }

    @Test
    void elementsOfAnotherTableGiveTheBatchToNft() {
        Step a = NftScriptTest.step("a p10_");
        Batches made = new Batches();
        made.from(a);
        made.nft("h", new NftOp(List.of(new NftOp.Elements(true, "inet other fw_rx4", List.of("10.0.0.1")))));
        assertThat(NftSegments.whole(NftScript.grouped(made.all().getFirst()))).isEmpty();
        assertThat(NftSegments.of(NftScript.grouped(made.all().getFirst())).textOnly()).isTrue();
    }
}
