package io.netpersona.substrate.linux.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Structure commands as nf_tables messages, byte for byte as nft 1.0.6 sends them: tables, base and regular
 * chains, sets and maps of every key and data shape the host table uses, and rules of every statement
 * ({@code nft-1.0.6-messages.txt}, recorded with {@code nft --debug=mnl -f} from one script, so the set ids
 * of the lookups are nft's too); and the shapes left to nft.
 */
class NftStructureTest {
    private static List<String> recorded() throws IOException {
        try (InputStream in = NftStructureTest.class.getResourceAsStream("nft-1.0.6-messages.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#")).toList();
        }
    }

    @Test
    void everyCommandIsTheMessageNftSends() throws IOException {
        List<String> lines = recorded();
        assertThat(lines).hasSizeGreaterThan(40);
        NftStructure.Batch batch = new NftStructure.Batch();
        for (int i = 0; i < lines.size(); i += 2) {
            String command = lines.get(i);
            String[] expected = lines.get(i + 1).split(" ");
            NftStructure s = NftStructure.parse(command, batch, i / 2 + 1)
                    .orElseThrow(() -> new AssertionError("not parsed: " + command));
            assertThat(s.requests()).as(command).hasSize(1);
            NftCommand.Message m = s.requests().getFirst();
            assertThat(m.type()).as(command).isEqualTo(Integer.parseInt(expected[0]));
            assertThat(HexFormat.of().formatHex(m.body())).as(command).isEqualTo(expected[1]);
        }
    }

    /** The header flags nft sets (strace showed them): rules appended, objects created, the rest plain requests. */
    @Test
    void rulesAreAppendedAndObjectsCreated() {
        NftStructure.Batch batch = new NftStructure.Batch();
        assertThat(flags("add table inet t", batch)).isZero();
        assertThat(flags("add chain inet t c", batch)).isEqualTo(NftStructure.NLM_F_CREATE);
        assertThat(flags("add set inet t s { type ipv4_addr; }", batch)).isEqualTo(NftStructure.NLM_F_CREATE);
        assertThat(flags("add rule inet t c ip saddr @s drop", batch)).isEqualTo(NftStructure.NLM_F_CREATE | NftStructure.NLM_F_APPEND);
        assertThat(flags("flush chain inet t c", batch)).isZero();
        assertThat(flags("delete set inet t s", batch)).isZero();
        assertThat(flags("delete table inet t", batch)).isZero();
    }

    private static int flags(String command, NftStructure.Batch batch) {
        return NftStructure.parse(command, batch, 1).orElseThrow().requests().getFirst().flags();
    }

    @Test
    void aSetMadeAgainInOneBatchGetsANewIdAndItsRulesUseIt() {
        NftStructure.Batch batch = new NftStructure.Batch();
        NftStructure.parse("add set inet t a { type ipv4_addr; }", batch, 1).orElseThrow();
        NftStructure.parse("add set inet t a { type ipv4_addr; }", batch, 2).orElseThrow();
        byte[] rule = NftStructure.parse("add rule inet t c ip saddr @a", batch, 3).orElseThrow().requests().getFirst().body();
        // the lookup names set id 2 (NFTA_LOOKUP_SET_ID, big-endian) right after the set's name
        assertThat(HexFormat.of().formatHex(rule)).contains("0600010061000000" + "0800040000000002");
    }

    @Test
    void whatIsNotOfAKnownShapeIsLeftToNft() {
        NftStructure.Batch batch = new NftStructure.Batch();
        for (String command : List.of(
                "add rule inet t c counter",                           // a statement not compiled here
                "add rule inet t c tcp dport 22 accept",               // a comparison with a value
                "add rule inet t c drop accept",                       // something after the verdict
                "add rule inet t c ip saddr @s",                       // fine in itself: the control case
                "add rule ip t c ip saddr @s",                         // another family
                "add rule inet t c log prefix \"unterminated",
                "add rule inet t c ip dscp set 64",
                "add rule inet t c limit rate 5/fortnight",
                "add rule inet t c add @s { ip saddr ct count over } drop",
                "add set inet t s { type mark; }",
                "add set inet t s { type ipv4_addr; flags constant; }",
                "add map inet t m { type ipv4_addr . inet_service : verdict; }",
                "add chain inet t c { type nat hook postrouting priority srcnat; policy accept; }",
                "add chain inet t c { type filter hook forward priority filter; policy accept; } extra",
                "delete rule inet t c handle 4",
                "add element inet t s { 10.0.0.1 }")) {
            boolean parsed = NftStructure.parse(command, batch, 1).isPresent();
            assertThat(parsed).as(command).isEqualTo(command.equals("add rule inet t c ip saddr @s"));
        }
    }
}
