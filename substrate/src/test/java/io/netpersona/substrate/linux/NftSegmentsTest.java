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
}
