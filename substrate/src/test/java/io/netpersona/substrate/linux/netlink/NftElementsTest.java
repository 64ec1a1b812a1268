package io.netpersona.substrate.linux.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Element commands as nf_tables messages, byte for byte as nft sends them ({@code nft --debug=netlink}
 * printed the keys compared here), and the shapes left to nft.
 */
class NftElementsTest {
    private static final Set<String> INTERVAL = Set.of("fw_in_udp4", "fw_out_tcp6", "fw_in_icmp4");

    private static NftElements parse(String line) {
        return NftElements.parse(line, INTERVAL, 1).orElseThrow(() -> new AssertionError("not parsed: " + line));
    }

    /** The attributes of the one element of a one-element command, by type. */
    private static Map<Integer, ByteBuffer> element(NftElements e) {
        ByteBuffer m = Frames.order(ByteBuffer.wrap(e.messages().getFirst()));
        ByteBuffer list = Frames.attributes(m, 4).get(3);
        ByteBuffer first = Frames.attributes(list, 0).get(1);
        return Frames.attributes(first, 0);
    }

    private static String value(ByteBuffer nestedData) {
        return HexFormat.of().formatHex(Frames.bytes(Frames.attributes(nestedData, 0).get(1)));
    }

    @Test
    void aConcatenationOfRangesIsItsFirstAndLastKeyInNetworkOrder() {
        NftElements e = parse("add element inet netpersona fw_in_udp4 { 10.1.0.2 . 0.0.0.0/0 . 1000-2000 }");
        assertThat(e.type()).isEqualTo(NftElements.NFT_MSG_NEWSETELEM);
        assertThat(e.flags()).isEqualTo(NftElements.NLM_F_CREATE);
        Map<Integer, ByteBuffer> a = element(e);
        // nft: element 0200010a 00000000 0000e803 - 0200010a ffffffff 0000d007 (host-order words of these bytes)
        assertThat(value(a.get(1))).isEqualTo("0a010002" + "00000000" + "03e80000");
        assertThat(value(a.get(10))).isEqualTo("0a010002" + "ffffffff" + "07d00000");

        Map<Integer, ByteBuffer> v6 = element(parse("add element inet netpersona fw_out_tcp6 { fd00::1 . fd00:1::/64 . 443 }"));
        assertThat(value(v6.get(1))).isEqualTo("fd000000000000000000000000000001" + "fd000001000000000000000000000000" + "01bb0000");
        assertThat(value(v6.get(10))).isEqualTo("fd000000000000000000000000000001" + "fd00000100000000ffffffffffffffff" + "01bb0000");
    }

    @Test
    void aHashSetsKeyHasNoEndAndAPortAfterAnAddressIsPaddedToAWord() {
        Map<Integer, ByteBuffer> a = element(parse("add element inet netpersona fw_in_tcp4p { 10.1.0.1 . 8080 }"));
        assertThat(value(a.get(1))).isEqualTo("0a010001" + "1f900000");
        assertThat(a).doesNotContainKey(10);
    }

    @Test
    void mapDataIsAVerdictOrAClassIdInHostOrder() {
        Map<Integer, ByteBuffer> jump = element(parse("add element inet netpersona qos_dscp4 { 10.1.0.1 : jump dscp_18 }"));
        Map<Integer, ByteBuffer> verdict = Frames.attributes(Frames.attributes(jump.get(2), 0).get(2), 0);
        assertThat(verdict.get(1).order(java.nio.ByteOrder.BIG_ENDIAN).getInt(0)).isEqualTo(-3); // NFT_JUMP
        assertThat(Frames.string(verdict.get(2))).isEqualTo("dscp_18");

        Map<Integer, ByteBuffer> classid = element(parse("add element inet netpersona qos_prio4 { 10.1.0.1 : 1:37b3 }"));
        assertThat(Frames.u32(Frames.attributes(classid.get(2), 0).get(1), 0)).isEqualTo(0x137b3);
        // a deletion goes by the key alone
        assertThat(element(parse("delete element inet netpersona qos_prio4 { 10.1.0.1 }"))).containsOnlyKeys(1);
    }

    @Test
    void aLimitIsTheElementsOwnExpressionWithNftsDefaultBurst() {
        Map<Integer, ByteBuffer> a = element(parse("add element inet netpersona fw_newconn4 { 10.1.0.1 limit rate over 7/minute }"));
        Map<Integer, ByteBuffer> expr = Frames.attributes(a.get(7), 0);
        assertThat(Frames.string(expr.get(1))).isEqualTo("limit");
        Map<Integer, ByteBuffer> o = Frames.attributes(expr.get(2), 0);
        java.util.function.IntFunction<ByteBuffer> be = t -> o.get(t).order(java.nio.ByteOrder.BIG_ENDIAN);
        assertThat(be.apply(1).getLong(0)).isEqualTo(7); // rate
        assertThat(be.apply(2).getLong(0)).isEqualTo(60); // per minute
        assertThat(be.apply(3).getInt(0)).isEqualTo(5); // burst
        assertThat(be.apply(5).getInt(0)).isEqualTo(1); // over
    }

    @Test
    void aLongCommandIsCutIntoMessagesWhoseElementListFitsItsLength() {
        StringBuilder els = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            els.append(i == 0 ? "" : ", ").append("10.1.").append(i / 250).append('.').append(i % 250 + 1).append(" . 10.0.0.0/8 . 5353");
        }
        NftElements e = parse("add element inet netpersona fw_in_udp4 { " + els + " }");
        List<byte[]> messages = e.messages();
        assertThat(messages).hasSizeGreaterThan(1);
        int total = 0;
        for (byte[] m : messages) {
            ByteBuffer list = Frames.attributes(Frames.order(ByteBuffer.wrap(m)), 4).get(3);
            assertThat(list.limit() + 4).isLessThanOrEqualTo(0xffff);
            int n = 0;
            ByteBuffer l = Frames.order(list.duplicate());
            for (int at = 0; at < l.limit(); at += Frames.align(Short.toUnsignedInt(l.getShort(at)))) {
                n++;
            }
            total += n;
        }
        assertThat(total).isEqualTo(3000);
    }

    @Test
    void shapesTheDriverDoesNotWriteAreLeftToNft() {
        for (String line : List.of(
                "add element inet netpersona fw_drop4 { 10.0.0.0/8 }", // a prefix in a set of single addresses
                "add element inet netpersona fw_drop4 { 10.1.0.1 comment \"x\" }",
                "add element inet netpersona fw_drop4 { 10.1.0.1 timeout 5s }",
                "add element inet netpersona qos_prio4 { 10.1.0.1 : 0x10 }",
                "add element inet netpersona fw_in_tcp4p { 10.1.0.1 . 70000 }",
                "add element inet netpersona fw_in_udp4 { 10.1.0.1 . 10.0.0.0/33 . 53 }",
                "add element inet netpersona fw_in_udp4 { ::ffff:10.1.0.1 . 10.0.0.0/8 . 53 }",
                "add table inet netpersona")) {
            assertThat(NftElements.parse(line, INTERVAL, 1)).as(line).isEmpty();
        }
    }

    @Test
    void elementsGivenByTheirPartsAreTheMessagesOfTheirLine() {
        List<String> lines = List.of(
                "add element inet netpersona fw_in_udp4 { 10.1.0.2 . 0.0.0.0/0 . 1000-2000, 10.1.0.2 . 10.0.0.0/8 . 5353 }",
                "add element inet netpersona qos_prio4 { 10.1.0.2 : 1:2a, 10.1.0.3 : 1:2b }",
                "add element inet netpersona fw_newconn4 { 10.1.0.2 limit rate over 200/second burst 200 packets }",
                "delete element inet netpersona fw_newconn4 { 10.1.0.2 }",
                "add element ip6 t fw_log6 { fd00::2 : jump p1_log }");
        for (String line : lines) {
            NftElements text = parse(line);
            String[] w = line.split(" ", 6);
            String inner = line.substring(line.indexOf("{ ") + 2, line.length() - 2);
            // as one chunk of all elements, and as one chunk each
            for (List<String> chunks : List.of(List.of(inner), List.of(inner.split(", ")))) {
                NftElements parts = NftElements.of(w[0].equals("add"), w[2], w[3], w[4], chunks, INTERVAL, 1).orElseThrow();
                assertThat(parts.describe()).isEqualTo(text.describe());
                assertThat(parts.messages().stream().map(HexFormat.of()::formatHex).toList()).as(line)
                        .containsExactlyElementsOf(text.messages().stream().map(HexFormat.of()::formatHex).toList());
            }
        }
        // what the line's pattern refuses, the parts refuse too
        assertThat(NftElements.of(true, "bridge", "t", "s", List.of("10.0.0.1"), INTERVAL, 1)).isEmpty();
        assertThat(NftElements.of(true, "inet", "t x", "s", List.of("10.0.0.1"), INTERVAL, 1)).isEmpty();
        assertThat(NftElements.of(true, "inet", "t", "s", List.of(""), INTERVAL, 1)).isEmpty();
        assertThat(NftElements.of(true, "inet", "t", "s", List.of("10.0.0.1, "), INTERVAL, 1)).isEmpty();
        assertThat(NftElements.of(true, "inet", "t", "s", List.of("10.0.0.1 . nonsense"), INTERVAL, 1)).isEmpty();
    }
}
