package io.netpersona.substrate.linux.netlink;

import static io.netpersona.substrate.linux.netlink.NftExpressions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A rule's statements, of the shapes a host's shared table holds, as the expressions nft generates for
 * them in an {@code inet} table: matches on conntrack state and layer-4 protocol, lookups of addresses and
 * ports (concatenated, each field in 32-bit registers of its own) in sets and maps, {@code meta priority
 * set ... map}, {@code ip[6] dscp set}, {@code limit}, {@code log prefix}, {@code add @set { ... ct count
 * over N }} and a closing verdict. A field of a family or layer-4 protocol gets the dependency nft adds for
 * it ({@code meta nfproto}, {@code meta l4proto}) unless the rule already established it. Anything else is
 * not compiled ({@link #compile} gives null) and its script goes to nft.
 */
final class NftRules {
    private static final Map<String, Integer> CT_STATES = Map.of("invalid", 1, "established", 2, "related", 4, "new", 8,
            "untracked", 64);
    private static final Map<String, Integer> L4 = Map.of("icmp", 1, "tcp", 6, "udp", 17, "ipv6-icmp", 58);
    private static final int NFPROTO_IPV4 = 2, NFPROTO_IPV6 = 10;

    /** A packet field: the family or protocol it needs and where it is. */
    private record Field(int nfproto, int l4proto, int base, int offset, int length) {}

    private static final Map<String, Field> FIELDS = Map.of(
            "ip saddr", new Field(NFPROTO_IPV4, 0, PAYLOAD_NETWORK, 12, 4),
            "ip daddr", new Field(NFPROTO_IPV4, 0, PAYLOAD_NETWORK, 16, 4),
            "ip6 saddr", new Field(NFPROTO_IPV6, 0, PAYLOAD_NETWORK, 8, 16),
            "ip6 daddr", new Field(NFPROTO_IPV6, 0, PAYLOAD_NETWORK, 24, 16),
            "tcp dport", new Field(0, 6, PAYLOAD_TRANSPORT, 2, 2),
            "udp dport", new Field(0, 17, PAYLOAD_TRANSPORT, 2, 2));

    private final List<String> t;
    private final Map<String, Integer> setIds;
    private final List<byte[]> out = new ArrayList<>();
    private int at;
    private int nfproto;
    private int l4proto;

    private NftRules(List<String> tokens, Map<String, Integer> setIds) {
        this.t = tokens;
        this.setIds = setIds;
    }

    /**
     * The expressions of a rule's statements ({@code tokens}, a quoted string as one token with its quotes),
     * or null when one is not of a known shape. {@code setIds} holds the ids of the sets made earlier in the
     * same batch (a lookup names them by id too, as nft does).
     */
    static List<byte[]> compile(List<String> tokens, Map<String, Integer> setIds) {
        NftRules r = new NftRules(tokens, setIds);
        try {
            return r.statements() ? r.out : null;
        } catch (IndexOutOfBoundsException | NumberFormatException e) {
            return null; // a statement cut short or a number out of range: not a shape known here
        }
    }

    private boolean statements() {
        while (at < t.size()) {
            String w = t.get(at);
            boolean known = switch (w) {
                case "ct" -> ctState();
                case "meta" -> t.get(at + 1).equals("l4proto") ? l4proto() : metaPriority();
                case "limit" -> limit();
                case "log" -> log();
                case "add" -> dynset();
                case "accept", "drop", "return", "continue", "jump", "goto" -> verdict();
                default -> (w.equals("ip") || w.equals("ip6")) && at + 1 < t.size() && t.get(at + 1).equals("dscp") ? dscp() : lookup();
            };
            if (!known) {
                return false;
            }
        }
        return !out.isEmpty();
    }

    private boolean ctState() {
        if (!t.get(at + 1).equals("state")) {
            return false;
        }
        int mask = 0;
        for (String s : t.get(at + 2).split(",")) {
            Integer bit = CT_STATES.get(s);
            if (bit == null) {
                return false;
            }
            mask |= bit;
        }
        at += 3;
        out.add(ct(CT_STATE, REG_1));
        out.add(bitwiseMask(REG_1, hostU32(mask), hostU32(0)));
        out.add(cmp(REG_1, CMP_NEQ, hostU32(0)));
        return true;
    }

    private boolean l4proto() {
        Integer p = L4.get(t.get(at + 2));
        if (p == null) {
            return false;
        }
        at += 3;
        out.add(meta(META_L4PROTO, REG_1));
        out.add(cmp(REG_1, CMP_EQ, new byte[] {(byte) (int) p}));
        l4proto = p;
        return true;
    }

    /** {@code meta priority set FIELDS map @SET} */
    private boolean metaPriority() {
        if (!t.get(at + 1).equals("priority") || !t.get(at + 2).equals("set")) {
            return false;
        }
        at += 3;
        List<Field> fields = fields();
        if (fields == null || !t.get(at).equals("map") || !t.get(at + 1).startsWith("@")) {
            return false;
        }
        String set = t.get(at + 1).substring(1);
        at += 2;
        load(fields);
        out.add(NftExpressions.lookup(REG_1, REG_1, set, setIds.getOrDefault(set, 0)));
        out.add(metaSet(META_PRIORITY, REG_1));
        return true;
    }

    /** {@code FIELDS @SET} or {@code FIELDS vmap @SET} */
    private boolean lookup() {
        List<Field> fields = fields();
        if (fields == null || at >= t.size()) {
            return false;
        }
        boolean vmap = t.get(at).equals("vmap");
        String ref = t.get(at + (vmap ? 1 : 0));
        if (!ref.startsWith("@") || !NftStructure.name(ref.substring(1))) {
            return false;
        }
        at += vmap ? 2 : 1;
        load(fields);
        String set = ref.substring(1);
        out.add(NftExpressions.lookup(REG_1, vmap ? REG_VERDICT : -1, set, setIds.getOrDefault(set, 0)));
        return true;
    }

    /** {@code ip dscp set N}: the first 16 bits of the header rewritten, the IPv4 checksum mended. */
    private boolean dscp() {
        boolean v4 = t.get(at).equals("ip");
        if (!t.get(at + 2).equals("set")) {
            return false;
        }
        int value = Integer.parseInt(t.get(at + 3));
        if (value < 0 || value > 63) {
            return false;
        }
        at += 4;
        depend(v4 ? NFPROTO_IPV4 : NFPROTO_IPV6, 0);
        out.add(payload(REG_1, PAYLOAD_NETWORK, 0, 2));
        // IPv4: version/IHL, then DSCP in the top six bits of the TOS byte; IPv6: DSCP from bit 4 of the first word
        int mask = v4 ? 0xff03 : 0xf03f;
        int xor = v4 ? value << 2 : value << 6;
        out.add(bitwiseBool(REG_1, new byte[] {(byte) (mask >> 8), (byte) mask}, new byte[] {(byte) (xor >> 8), (byte) xor}));
        out.add(payloadWrite(REG_1, PAYLOAD_NETWORK, 0, 2, v4 ? 1 : 0, v4 ? 10 : 0));
        return true;
    }

    /** {@code limit rate [over] N/UNIT [burst N packets]} */
    private boolean limit() {
        if (!t.get(at + 1).equals("rate")) {
            return false;
        }
        at += 2;
        boolean over = t.get(at).equals("over");
        at += over ? 1 : 0;
        String[] rate = t.get(at++).split("/");
        if (rate.length != 2) {
            return false;
        }
        long unit = switch (rate[1]) {
            case "second" -> 1;
            case "minute" -> 60;
            case "hour" -> 3600;
            case "day" -> 86400;
            default -> 0;
        };
        long burst = 5; // nft's default
        if (at < t.size() && t.get(at).equals("burst")) {
            if (!t.get(at + 2).equals("packets")) {
                return false;
            }
            burst = Long.parseLong(t.get(at + 1));
            at += 3;
        }
        long n = Long.parseLong(rate[0]);
        if (unit == 0 || n < 0 || burst < 0 || burst > 0xffffffffL) {
            return false;
        }
        out.add(nested(1, limitBody(n, unit, burst, over)));
        return true;
    }

    /** {@code log prefix "TEXT"} */
    private boolean log() {
        String q = t.get(at + 2);
        if (!t.get(at + 1).equals("prefix") || q.length() < 2 || !q.startsWith("\"") || !q.endsWith("\"")
                || q.substring(1, q.length() - 1).indexOf('"') >= 0) {
            return false;
        }
        at += 3;
        out.add(NftExpressions.log(q.substring(1, q.length() - 1)));
        return true;
    }

    /** {@code add @SET { FIELD ct count [over] N }} */
    private boolean dynset() {
        String ref = t.get(at + 1);
        if (!ref.startsWith("@") || !NftStructure.name(ref.substring(1)) || !t.get(at + 2).equals("{")) {
            return false;
        }
        at += 3;
        List<Field> fields = fields();
        if (fields == null || fields.size() != 1 || !t.get(at).equals("ct") || !t.get(at + 1).equals("count")) {
            return false;
        }
        at += 2;
        boolean over = t.get(at).equals("over");
        at += over ? 1 : 0;
        long n = Long.parseLong(t.get(at++));
        if (!t.get(at++).equals("}") || n < 0 || n > 0xffffffffL) {
            return false;
        }
        load(fields);
        String set = ref.substring(1);
        out.add(dynsetConnlimit(REG_1, set, setIds.getOrDefault(set, 0), (int) n, over));
        return true;
    }

    /** The closing verdict: nothing may follow it. */
    private boolean verdict() {
        String w = t.get(at);
        String chain = null;
        int code = switch (w) {
            case "accept" -> VERDICT_ACCEPT;
            case "drop" -> VERDICT_DROP;
            case "return" -> VERDICT_RETURN;
            case "continue" -> VERDICT_CONTINUE;
            case "jump" -> VERDICT_JUMP;
            default -> VERDICT_GOTO;
        };
        if (code == VERDICT_JUMP || code == VERDICT_GOTO) {
            chain = t.get(++at);
            if (!NftStructure.name(chain)) {
                return false;
            }
        }
        at++;
        if (at != t.size()) {
            return false;
        }
        out.add(NftExpressions.verdict(code, chain));
        return true;
    }

    /** {@code FIELD [. FIELD]...}, or null when a field is not one known here. */
    private List<Field> fields() {
        List<Field> fields = new ArrayList<>();
        while (true) {
            Field f = at + 1 < t.size() ? FIELDS.get(t.get(at) + " " + t.get(at + 1)) : null;
            if (f == null) {
                return null;
            }
            fields.add(f);
            at += 2;
            if (at >= t.size() || !t.get(at).equals(".")) {
                return fields;
            }
            at++;
        }
    }

    /** The fields' dependencies, then each field loaded into its registers (the first at register 1). */
    private void load(List<Field> fields) {
        for (Field f : fields) {
            depend(f.nfproto(), f.l4proto());
        }
        int slot = 0;
        for (Field f : fields) {
            // 32-bit slots; nft names one that starts a 128-bit register by that register's number
            int reg = slot % 4 == 0 ? REG_1 + slot / 4 : 8 + slot;
            out.add(payload(reg, f.base(), f.offset(), f.length()));
            slot += (f.length() + 3) / 4;
        }
    }

    private void depend(int family, int protocol) {
        if (family != 0 && nfproto != family) {
            out.add(meta(META_NFPROTO, REG_1));
            out.add(cmp(REG_1, CMP_EQ, new byte[] {(byte) family}));
            nfproto = family;
        }
        if (protocol != 0 && l4proto != protocol) {
            out.add(meta(META_L4PROTO, REG_1));
            out.add(cmp(REG_1, CMP_EQ, new byte[] {(byte) protocol}));
            l4proto = protocol;
        }
    }
}
