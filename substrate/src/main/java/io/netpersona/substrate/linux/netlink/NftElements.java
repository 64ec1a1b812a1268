package io.netpersona.substrate.linux.netlink;

import static io.netpersona.substrate.linux.netlink.Frames.attr;
import static io.netpersona.substrate.linux.netlink.Frames.concat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code add element} or {@code delete element} command of an nft script, of the shapes the driver
 * writes into a host's shared table, as the {@code NFT_MSG_NEWSETELEM} / {@code NFT_MSG_DELSETELEM}
 * messages nft would send for it: keys of addresses, prefixes, ports and port ranges, concatenated (each
 * field in a 32-bit register of its own); for a set with {@code flags interval}, a concatenation given
 * as its first and last key ({@code NFTA_SET_ELEM_KEY_END}, as the pipapo set type takes it); map data
 * of a verdict or a class id; a {@code limit rate [over] N/UNIT [burst N packets]} per element. Anything
 * else is not parsed ({@link #parse} is empty): its line goes to nft.
 *
 * <p>A set's element list is one 16-bit-long attribute, so a command becomes as many messages as its
 * elements need.
 */
public record NftElements(boolean add, int family, String table, String set, List<byte[]> elements, int firstLine)
        implements NftCommand {
    static final int NFT_MSG_NEWSETELEM = (10 << 8) | 12, NFT_MSG_DELSETELEM = (10 << 8) | 14;
    static final int NLM_F_CREATE = 0x400;
    private static final int NFPROTO_INET = 1, NFPROTO_IPV4 = 2, NFPROTO_IPV6 = 10;
    private static final int LIST_TABLE = 1, LIST_SET = 2, LIST_ELEMENTS = 3, LIST_ELEM = 1;
    private static final int ELEM_KEY = 1, ELEM_DATA = 2, ELEM_EXPR = 7, ELEM_KEY_END = 10;
    private static final int DATA_VALUE = 1, DATA_VERDICT = 2, VERDICT_CODE = 1, VERDICT_CHAIN = 2;
    private static final int EXPR_NAME = 1, EXPR_DATA = 2;
    private static final int LIMIT_RATE = 1, LIMIT_UNIT = 2, LIMIT_BURST = 3, LIMIT_TYPE = 4, LIMIT_FLAGS = 5;
    private static final int NLA_F_NESTED = 0x8000;
    /** What one message's element list may hold: its attribute's length is 16 bits. */
    private static final int LIST_MAX = 60 * 1024;
    /** nft's burst when none is written: {@code limit rate N/second} holds 5 packets. */
    private static final int DEFAULT_BURST = 5;

    private static final Pattern COMMAND = Pattern.compile("(add|delete) element (inet|ip|ip6) ([A-Za-z0-9_-]{1,255}) "
            + "([A-Za-z0-9_-]{1,255}) \\{ (.+) }");
    private static final Pattern LIMIT = Pattern.compile("limit rate (over )?(\\d{1,10})/(second|minute|hour|day)"
            + "(?: burst (\\d{1,10}) packets)?");
    private static final Pattern VERDICT = Pattern.compile("(jump|goto) ([A-Za-z0-9_-]{1,255})|accept|drop|return|continue");
    private static final Pattern CLASSID = Pattern.compile("([0-9a-f]{1,4}):([0-9a-f]{1,4})");

    /**
     * The messages of one script line, or empty when it is not an element command of the shapes above.
     * {@code intervalSets} names the table's sets with {@code flags interval} (their elements are ranges);
     * {@code line} is the line's number in its script, for a refusal.
     */
    public static Optional<NftElements> parse(String command, Set<String> intervalSets, int line) {
        Matcher m = COMMAND.matcher(command);
        if (!m.matches()) {
            return Optional.empty();
        }
        return of(m.group(1).equals("add"), m.group(2), m.group(3), m.group(4), List.of(m.group(5)), intervalSets, line);
    }

    /**
     * The messages of an element command given by its parts, as {@link #parse} makes them from its line: {@code
     * family} {@code inet}, {@code ip} or {@code ip6}; each of {@code elements} one element or several joined by
     * {@code ", "}. Empty when a part is not of the shapes above.
     */
    public static Optional<NftElements> of(boolean add, String family, String table, String set, List<String> elements,
            Set<String> intervalSets, int line) {
        int f = switch (family) {
            case "ip" -> NFPROTO_IPV4;
            case "ip6" -> NFPROTO_IPV6;
            case "inet" -> NFPROTO_INET;
            default -> -1;
        };
        if (f < 0 || !name(table) || !name(set)) {
            return Optional.empty();
        }
        boolean interval = intervalSets.contains(set);
        List<byte[]> encoded = new ArrayList<>(elements.size());
        // a thousand elements share a few map values and limits: each is made once
        java.util.Map<String, byte[]> parts = new java.util.HashMap<>();
        for (String chunk : elements) {
            if (chunk.isEmpty()) {
                return Optional.empty(); // as the line's pattern: braces with nothing in them
            }
            for (int at = 0, next; at <= chunk.length(); at = next + 2) {
                next = chunk.indexOf(", ", at);
                next = next < 0 ? chunk.length() : next;
                byte[] e = element(chunk.substring(at, next).strip(), interval, add, parts);
                if (e == null) {
                    return Optional.empty();
                }
                encoded.add(e);
            }
        }
        return Optional.of(new NftElements(add, f, table, set, encoded, line));
    }

    /** A table's or set's name as the line's pattern takes it: 1 to 255 of letters, digits, '_' and '-'. */
    private static boolean name(String s) {
        if (s.isEmpty() || s.length() > 255) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** The message bodies ({@code struct nfgenmsg} and attributes), each within one element list's limit. */
    public List<byte[]> messages() {
        List<byte[]> out = new ArrayList<>();
        int i = 0;
        while (i < elements.size()) {
            int size = 0;
            int start = i;
            while (i < elements.size() && (i == start || size + elements.get(i).length <= LIST_MAX)) {
                size += elements.get(i).length;
                i++;
            }
            ByteBuffer list = buffer(size);
            elements.subList(start, i).forEach(list::put);
            ByteBuffer head = buffer(4).put((byte) family).put((byte) 0).putShort((short) 0);
            out.add(concat(head.array(), attr(LIST_TABLE, cstring(table)), attr(LIST_SET, cstring(set)),
                    nested(LIST_ELEMENTS, list.array())));
        }
        return out;
    }

    @Override
    public List<Message> requests() {
        return messages().stream().map(body -> new Message(type(), flags(), body)).toList();
    }

    @Override
    public int lines() {
        return 1;
    }

    @Override
    public String describe() {
        String f = family == NFPROTO_IPV4 ? "ip" : family == NFPROTO_IPV6 ? "ip6" : "inet";
        return (add ? "add" : "delete") + " element " + f + " " + table + " " + set;
    }

    /** The message type of this command's messages. */
    public int type() {
        return add ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM;
    }

    /** Header flags beside request and ack: an addition creates (and keeps an equal element, as nft's {@code add} does). */
    public int flags() {
        return add ? NLM_F_CREATE : 0;
    }

    /** One {@code NFTA_LIST_ELEM}, or null when the text is not of a known shape. */
    static byte[] element(String text, boolean interval, boolean add) {
        return element(text, interval, add, new java.util.HashMap<>());
    }

    private static final byte[] NONE = new byte[0];

    private static byte[] element(String text, boolean interval, boolean add, java.util.Map<String, byte[]> shared) {
        String key = text;
        byte[] data = null;
        byte[] expr = null;
        int colon = text.indexOf(" : ");
        int limit = text.indexOf(" limit ");
        if (colon >= 0) {
            key = text.substring(0, colon);
            data = shared.computeIfAbsent(text.substring(colon), d -> java.util.Objects.requireNonNullElse(data(d.substring(3)), NONE));
            if (data == NONE) {
                return null;
            }
        } else if (limit >= 0) {
            key = text.substring(0, limit);
            expr = shared.computeIfAbsent(text.substring(limit), l -> java.util.Objects.requireNonNullElse(limit(l.substring(1)), NONE));
            if (expr == NONE) {
                return null;
            }
        }
        List<String> fields = split(key, " . ");
        // a single field of an interval set is a pair of elements (rbtree), a shape the driver does not write
        if (interval && fields.size() < 2) {
            return null;
        }
        // keys are in network order: addresses as their bytes, ports big-endian
        ByteBuffer from = bigEndian(fields.size() * 16);
        ByteBuffer to = bigEndian(fields.size() * 16);
        for (String f : fields) {
            if (!field(f, fields.size() > 1, interval, from, to)) {
                return null;
            }
        }
        // written in one go, nests and all: a thousand elements are as many arrays, not ten times as many
        int klen = from.position();
        int keyNest = 4 + Frames.align(4 + klen);
        boolean withData = add && data != null;
        boolean withExpr = add && expr != null;
        int inner = keyNest * (interval ? 2 : 1) + (withData ? 4 + data.length : 0) + (withExpr ? 4 + expr.length : 0);
        ByteBuffer out = buffer(4 + inner);
        out.putShort((short) (4 + inner)).putShort((short) (LIST_ELEM | NLA_F_NESTED));
        key(out, ELEM_KEY, from, klen);
        if (interval) {
            key(out, ELEM_KEY_END, to, klen);
        }
        if (withData) {
            out.putShort((short) (4 + data.length)).putShort((short) (ELEM_DATA | NLA_F_NESTED)).put(data);
        }
        if (withExpr) {
            out.putShort((short) (4 + expr.length)).putShort((short) (ELEM_EXPR | NLA_F_NESTED)).put(expr);
        }
        return out.array();
    }

    /** A key's nest ({@code NFTA_SET_ELEM_KEY} or {@code _KEY_END}) around its value, padded to 4. */
    private static void key(ByteBuffer out, int type, ByteBuffer value, int length) {
        out.putShort((short) (4 + Frames.align(4 + length))).putShort((short) (type | NLA_F_NESTED));
        out.putShort((short) (4 + length)).putShort((short) DATA_VALUE).put(value.array(), 0, length);
        out.position(out.position() + Frames.align(4 + length) - (4 + length));
    }

    /**
     * Puts one field's first and last value: an address or prefix (network order), a port or port range
     * (network order, padded to 4 bytes inside a concatenation). False for what is none of these, or a
     * range where the set holds single values.
     */
    private static boolean field(String f, boolean concatenated, boolean interval, ByteBuffer from, ByteBuffer to) {
        int dash = f.indexOf('-');
        if (digits(f, 0, dash < 0 ? f.length() : dash) && (dash < 0 || digits(f, dash + 1, f.length()))) {
            int lo = Integer.parseInt(f, 0, dash < 0 ? f.length() : dash, 10);
            int hi = dash < 0 ? lo : Integer.parseInt(f, dash + 1, f.length(), 10);
            if (hi > 65535 || lo > hi || (!interval && lo != hi)) {
                return false;
            }
            from.putShort((short) lo);
            to.putShort((short) hi);
            if (concatenated) {
                from.putShort((short) 0);
                to.putShort((short) 0);
            }
            return true;
        }
        int slash = f.indexOf('/');
        String address = slash < 0 ? f : f.substring(0, slash);
        if (address.isEmpty() || !(Character.digit(address.charAt(0), 16) >= 0 || address.charAt(0) == ':')) {
            return false;
        }
        boolean v6 = address.indexOf(':') >= 0;
        byte[] a;
        try {
            a = (v6 ? java.net.Inet6Address.ofLiteral(address) : java.net.Inet4Address.ofLiteral(address)).getAddress();
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (a.length != (v6 ? 16 : 4)) {
            return false; // an IPv4-mapped address comes back as IPv4: not a key this driver writes
        }
        int bits = a.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(f.substring(slash + 1));
            } catch (NumberFormatException e) {
                return false;
            }
            if (prefix < 0 || prefix > bits || !interval) {
                return false;
            }
        }
        byte[] hi = a.clone();
        for (int bit = prefix; bit < bits; bit++) {
            a[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
            hi[bit / 8] |= (byte) (0x80 >>> (bit % 8));
        }
        from.put(a);
        to.put(hi);
        return true;
    }

    /** Whether {@code s} holds 1 to 5 decimal digits from {@code from} to {@code to}. */
    private static boolean digits(String s, int from, int to) {
        if (to - from < 1 || to - from > 5) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The parts of {@code s} between occurrences of {@code separator} (no regular expression: a thousand elements). */
    private static List<String> split(String s, String separator) {
        List<String> out = new ArrayList<>();
        int at = 0;
        for (int next; (next = s.indexOf(separator, at)) >= 0; at = next + separator.length()) {
            out.add(s.substring(at, next));
        }
        out.add(s.substring(at));
        return out;
    }

    /** A map's data: a verdict ({@code jump CHAIN}) or a class id ({@code 1:2a}, in host order as nft sends it). */
    private static byte[] data(String text) {
        Matcher v = VERDICT.matcher(text);
        if (v.matches()) {
            int code = switch (v.group(1) == null ? text : v.group(1)) {
                case "accept" -> 1;
                case "drop" -> 0;
                case "continue" -> -1;
                case "return" -> -5;
                case "jump" -> -3;
                default -> -4; // goto
            };
            byte[] verdict = attr(VERDICT_CODE, bigEndian(4).putInt(code).array());
            if (v.group(2) != null) {
                verdict = concat(verdict, attr(VERDICT_CHAIN, cstring(v.group(2))));
            }
            return nested(DATA_VERDICT, verdict);
        }
        Matcher c = CLASSID.matcher(text);
        if (c.matches()) {
            int id = (Integer.parseInt(c.group(1), 16) << 16) | Integer.parseInt(c.group(2), 16);
            return attr(DATA_VALUE, buffer(4).putInt(id).array());
        }
        return null;
    }

    /** A packet limit as the element's own expression, with what nft sends for it. */
    private static byte[] limit(String text) {
        Matcher l = LIMIT.matcher(text);
        if (!l.matches()) {
            return null;
        }
        long unit = switch (l.group(3)) {
            case "second" -> 1;
            case "minute" -> 60;
            case "hour" -> 3600;
            default -> 86400;
        };
        long burst = l.group(4) == null ? DEFAULT_BURST : Long.parseLong(l.group(4));
        if (burst > 0xffffffffL) {
            return null;
        }
        byte[] options = concat(attr(LIMIT_RATE, bigEndian(8).putLong(Long.parseLong(l.group(2))).array()),
                attr(LIMIT_UNIT, bigEndian(8).putLong(unit).array()),
                attr(LIMIT_BURST, bigEndian(4).putInt((int) burst).array()),
                attr(LIMIT_TYPE, bigEndian(4).putInt(0).array()), // packets
                attr(LIMIT_FLAGS, bigEndian(4).putInt(l.group(1) != null ? 1 : 0).array())); // 1: over (inverted)
        return concat(attr(EXPR_NAME, cstring("limit")), nested(EXPR_DATA, options));
    }

    private static ByteBuffer buffer(int size) {
        return Frames.order(ByteBuffer.allocate(size));
    }

    private static ByteBuffer bigEndian(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.BIG_ENDIAN);
    }

    private static byte[] cstring(String s) {
        return (s + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] nested(int type, byte[] value) {
        return attr(type | NLA_F_NESTED, value);
    }
}
