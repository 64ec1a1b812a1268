package io.netpersona.substrate.linux.netlink;

import static io.netpersona.substrate.linux.netlink.Frames.attr;
import static io.netpersona.substrate.linux.netlink.Frames.concat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The nf_tables expressions of a rule ({@code NFTA_LIST_ELEM} with the expression's name and data), each
 * with its attributes in the order libnftnl writes them, so that a rule sent from here is the rule nft
 * sends (and prints back the same). Values the kernel compares with packet bytes are in network order;
 * registers, keys and lengths are big-endian 32-bit numbers, as every nf_tables number attribute is.
 */
final class NftExpressions {
    static final int NLA_F_NESTED = 0x8000;
    static final int REG_VERDICT = 0, REG_1 = 1;
    static final int PAYLOAD_NETWORK = 1, PAYLOAD_TRANSPORT = 2;
    static final int META_PRIORITY = 2, META_NFPROTO = 15, META_L4PROTO = 16;
    static final int CT_STATE = 0;
    static final int CMP_EQ = 0, CMP_NEQ = 1;
    static final int VERDICT_DROP = 0, VERDICT_ACCEPT = 1, VERDICT_CONTINUE = -1, VERDICT_JUMP = -3, VERDICT_GOTO = -4,
            VERDICT_RETURN = -5;
    private static final int LIST_ELEM = 1, EXPR_NAME = 1, EXPR_DATA = 2, DATA_VALUE = 1, DATA_VERDICT = 2;

    private NftExpressions() {}

    /** {@code [ meta load KEY => reg DREG ]} */
    static byte[] meta(int key, int dreg) {
        return expr("meta", u32(2, key), u32(1, dreg));
    }

    /** {@code [ meta set KEY with reg SREG ]} */
    static byte[] metaSet(int key, int sreg) {
        return expr("meta", u32(2, key), u32(3, sreg));
    }

    /** {@code [ ct load KEY => reg DREG ]} */
    static byte[] ct(int key, int dreg) {
        return expr("ct", u32(2, key), u32(1, dreg));
    }

    /** {@code [ cmp OP reg SREG VALUE ]}, the value as the register holds it. */
    static byte[] cmp(int sreg, int op, byte[] value) {
        return expr("cmp", u32(1, sreg), u32(2, op), nested(3, attr(DATA_VALUE, value)));
    }

    /** A flag test's {@code [ bitwise reg = (reg & MASK) ^ XOR ]}, as nft writes it for a match (no operation given). */
    static byte[] bitwiseMask(int reg, byte[] mask, byte[] xor) {
        return expr("bitwise", u32(1, reg), u32(2, reg), u32(3, mask.length), nested(4, attr(DATA_VALUE, mask)),
                nested(5, attr(DATA_VALUE, xor)));
    }

    /** A mangling statement's {@code [ bitwise reg = (reg & MASK) ^ XOR ]}, with its boolean operation named. */
    static byte[] bitwiseBool(int reg, byte[] mask, byte[] xor) {
        return expr("bitwise", u32(1, reg), u32(2, reg), u32(6, 0), u32(3, mask.length), nested(4, attr(DATA_VALUE, mask)),
                nested(5, attr(DATA_VALUE, xor)));
    }

    /** {@code [ payload load LENb @ BASE header + OFFSET => reg DREG ]} */
    static byte[] payload(int dreg, int base, int offset, int length) {
        return expr("payload", u32(1, dreg), u32(2, base), u32(3, offset), u32(4, length));
    }

    /** {@code [ payload write reg SREG => LENb @ BASE header + OFFSET ]}, with the checksum it fixes (type 0: none). */
    static byte[] payloadWrite(int sreg, int base, int offset, int length, int csumType, int csumOffset) {
        byte[] head = concat(u32(5, sreg), u32(2, base), u32(3, offset), u32(4, length));
        return csumType == 0 ? expr("payload", head) : expr("payload", head, u32(6, csumType), u32(7, csumOffset));
    }

    /** {@code [ lookup reg SREG set NAME (dreg DREG) ]}: dreg -1 for a set, 0 for a verdict map, else a data map. */
    static byte[] lookup(int sreg, int dreg, String set, int setId) {
        byte[] head = dreg < 0 ? u32(2, sreg) : concat(u32(2, sreg), u32(3, dreg));
        return setId == 0 ? expr("lookup", head, attr(1, cstring(set))) : expr("lookup", head, attr(1, cstring(set)), u32(4, setId));
    }

    /** {@code [ immediate reg 0 VERDICT (-> CHAIN) ]} */
    static byte[] verdict(int code, String chain) {
        byte[] v = u32(1, code);
        if (chain != null) {
            v = concat(v, attr(2, cstring(chain)));
        }
        return expr("immediate", u32(1, REG_VERDICT), nested(2, nested(DATA_VERDICT, v)));
    }

    /** {@code [ limit rate RATE/UNIT burst BURST type packets flags (1: over) ]}: its name and data, unwrapped. */
    static byte[] limitBody(long rate, long unitSeconds, long burst, boolean over) {
        return body("limit", u64(1, rate), u64(2, unitSeconds), u32(3, (int) burst), u32(4, 0), u32(5, over ? 1 : 0));
    }

    /** {@code [ log prefix PREFIX ]} */
    static byte[] log(String prefix) {
        return expr("log", attr(2, cstring(prefix)));
    }

    /** {@code [ dynset add reg_key SREG set NAME expr [ connlimit count N flags (1: over) ] ]} */
    static byte[] dynsetConnlimit(int sreg, String set, int setId, int count, boolean over) {
        byte[] connlimit = body("connlimit", u32(1, count), u32(2, over ? 1 : 0));
        byte[] head = concat(u32(4, sreg), u32(3, 0), attr(1, cstring(set)));
        return setId == 0 ? expr("dynset", head, nested(7, connlimit)) : expr("dynset", head, u32(2, setId), nested(7, connlimit));
    }

    /** A {@code counter} with no value given: its name and empty data (a set's per-element expression). */
    static byte[] counterBody() {
        return body("counter");
    }

    /** One expression of a rule's list. */
    static byte[] expr(String name, byte[]... attrs) {
        return nested(LIST_ELEM, body(name, attrs));
    }

    /** An expression's name and data, as a set or a dynset holds it (without the list element around it). */
    static byte[] body(String name, byte[]... attrs) {
        return concat(attr(EXPR_NAME, cstring(name)), nested(EXPR_DATA, concat(attrs)));
    }

    static byte[] u32(int type, int value) {
        return attr(type, ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt(value).array());
    }

    static byte[] u64(int type, long value) {
        return attr(type, ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(value).array());
    }

    static byte[] nested(int type, byte[] value) {
        return attr(type | NLA_F_NESTED, value);
    }

    static byte[] cstring(String s) {
        return (s + "\0").getBytes(StandardCharsets.UTF_8);
    }

    /** A 32-bit value in the host's order, as the kernel keeps conntrack state bits in a register. */
    static byte[] hostU32(int value) {
        return Frames.order(ByteBuffer.allocate(4)).putInt(value).array();
    }
}
