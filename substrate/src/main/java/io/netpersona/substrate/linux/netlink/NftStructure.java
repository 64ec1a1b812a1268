package io.netpersona.substrate.linux.netlink;

import static io.netpersona.substrate.linux.netlink.Frames.attr;
import static io.netpersona.substrate.linux.netlink.Frames.concat;
import static io.netpersona.substrate.linux.netlink.NftExpressions.*;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Commands that make or remove the structure of an {@code inet} table, as the nf_tables messages nft sends
 * for them (attributes, flags and order as nft 1.0 writes them, so the kernel holds and prints the same):
 * {@code add table}, {@code add chain} (regular, or a base chain with its type, hook, priority and policy),
 * {@code add set} and {@code add map} (keys of addresses and ports, concatenated; verdict or class id data;
 * flags interval and dynamic; a size; a counter or a limit on every element), {@code add rule} (see
 * {@link NftRules}), {@code flush chain}, and {@code delete} of a table, chain or set. Anything else is not
 * parsed ({@link #parse} is empty): its script goes to nft.
 */
public record NftStructure(List<Message> requests, int firstLine, int lines, String describe) implements NftCommand {
    static final int NEWTABLE = (10 << 8), DELTABLE = (10 << 8) | 2, NEWCHAIN = (10 << 8) | 3, DELCHAIN = (10 << 8) | 5,
            NEWRULE = (10 << 8) | 6, DELRULE = (10 << 8) | 8, NEWSET = (10 << 8) | 9, DELSET = (10 << 8) | 11;
    static final int NLM_F_CREATE = 0x400, NLM_F_APPEND = 0x800;
    private static final byte[] INET = {1, 0, 0, 0}; // nfgenmsg: NFPROTO_INET, version 0, resource id 0
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,254}");
    /** A base chain's block, its priority relative to {@code filter} (0) as nft prints it. */
    private static final Pattern BASE_CHAIN = Pattern.compile("\\{ type filter hook (prerouting|input|forward|output|postrouting) "
            + "priority filter(?: ([+-]) (\\d{1,9}))?; policy (accept|drop); }");
    private static final int SET_INTERVAL = 0x4, SET_MAP = 0x8, SET_DYNAMIC = 0x20, SET_CONCAT = 0x80;
    private static final int VERDICT_TYPE = 0xffffff00;

    /** A key's data type: nft's number for it, its length and whether its bytes are in network order. */
    private record Type(int id, int length) {}

    private static final Map<String, Type> TYPES = Map.of("ipv4_addr", new Type(7, 4), "ipv6_addr", new Type(8, 16),
            "inet_service", new Type(13, 2));

    /**
     * What the commands of one batch share: nft numbers the sets a batch makes from 1, and a rule that uses
     * one of them names it by that number as well as by its name. The commands of a batch are parsed in
     * their order, on one thread.
     */
    public static final class Batch {
        private final Map<String, Integer> setIds = new HashMap<>();
        private int last;

        /** The id of a set this batch makes (a set made again after its removal gets a new one, as in nft). */
        int add(String set) {
            setIds.put(set, ++last);
            return last;
        }

        /** Whether no set of this batch has an id yet. */
        public boolean fresh() {
            return last == 0;
        }

        /** Gives the sets {@code names} the next ids, as their commands would have (their messages were made before). */
        public void made(List<String> names) {
            names.forEach(this::add);
        }
    }

    /** Whether {@code s} is a name of a table, chain or set this parser takes. */
    static boolean name(String s) {
        return NAME.matcher(s).matches();
    }

    /** Several commands as one (a table and all it holds): their messages in order, refused as one. */
    public static NftStructure of(List<NftStructure> parts, int firstLine, int lines, String describe) {
        List<Message> all = new ArrayList<>();
        parts.forEach(p -> all.addAll(p.requests()));
        return new NftStructure(List.copyOf(all), firstLine, lines, describe);
    }

    /** The messages of one command line ({@code line}: its number in its script), or empty when it is not of the shapes above. */
    public static Optional<NftStructure> parse(String command, Batch batch, int line) {
        List<String> t = tokens(command);
        if (t == null || t.size() < 3 || !t.get(2).equals("inet") || t.size() < 4 || !name(t.get(3))) {
            return Optional.empty();
        }
        String verb = t.get(0) + " " + t.get(1);
        String table = t.get(3);
        byte[] tableAttr = attr(1, cstring(table));
        Message m = switch (verb) {
            case "add table" -> t.size() == 4 ? new Message(NEWTABLE, 0, body(tableAttr, u32(2, 0))) : null;
            case "delete table" -> t.size() == 4 ? new Message(DELTABLE, 0, body(tableAttr)) : null;
            case "add chain" -> chain(t, tableAttr);
            case "flush chain" -> t.size() == 5 && name(t.get(4)) ? new Message(DELRULE, 0, body(tableAttr, attr(2, cstring(t.get(4))))) : null;
            case "delete chain" -> t.size() == 5 && name(t.get(4)) ? new Message(DELCHAIN, 0, body(tableAttr, attr(3, cstring(t.get(4))))) : null;
            case "delete set" -> t.size() == 5 && name(t.get(4)) ? new Message(DELSET, 0, body(tableAttr, attr(2, cstring(t.get(4))))) : null;
            case "add set", "add map" -> set(t, tableAttr, batch);
            case "add rule" -> rule(t, tableAttr, batch);
            default -> null;
        };
        return m == null ? Optional.empty() : Optional.of(new NftStructure(List.of(m), line, 1,
                String.join(" ", t.subList(0, Math.min(t.size(), 5)))));
    }

    /** {@code add chain inet T C} or {@code add chain inet T C { type filter hook H priority P; policy P; }} */
    private static Message chain(List<String> t, byte[] table) {
        if (t.size() < 5 || !name(t.get(4))) {
            return null;
        }
        byte[] name = attr(3, cstring(t.get(4)));
        if (t.size() == 5) {
            return new Message(NEWCHAIN, NLM_F_CREATE, body(table, name));
        }
        java.util.regex.Matcher m = BASE_CHAIN.matcher(String.join(" ", t.subList(5, t.size())));
        if (!m.matches()) {
            return null;
        }
        int hook = List.of("prerouting", "input", "forward", "output", "postrouting").indexOf(m.group(1));
        int priority = m.group(2) == null ? 0 : Integer.parseInt(m.group(3)) * (m.group(2).equals("-") ? -1 : 1);
        int policy = m.group(4).equals("accept") ? 1 : 0;
        return new Message(NEWCHAIN, NLM_F_CREATE, body(table, name, attr(7, cstring("filter")), u32(5, policy),
                nested(4, concat(u32(1, hook), u32(2, priority)))));
    }

    /** {@code add set|map inet T S { type K [. K]... [: verdict|classid]; [flags F,...;] [size N;] [counter;] [limit ...;] }} */
    private static Message set(List<String> t, byte[] table, Batch batch) {
        if (t.size() < 9 || !name(t.get(4)) || !t.get(5).equals("{") || !t.getLast().equals("}")) {
            return null;
        }
        boolean map = t.get(1).equals("map");
        String joined = String.join(" ", t.subList(6, t.size() - 1));
        if (!joined.endsWith(";")) {
            return null;
        }
        List<Type> key = new ArrayList<>();
        String data = null;
        int flags = 0;
        Integer size = null;
        byte[] expr = null;
        for (String s : joined.substring(0, joined.length() - 1).split(";")) {
            String st = s.strip();
            if (st.startsWith("type ")) {
                String k = st.substring(5);
                int colon = k.indexOf(" : ");
                if (colon >= 0) {
                    data = k.substring(colon + 3);
                    k = k.substring(0, colon);
                }
                for (String f : k.split(" \\. ")) {
                    Type type = TYPES.get(f);
                    if (type == null) {
                        return null;
                    }
                    key.add(type);
                }
            } else if (st.startsWith("flags ")) {
                for (String f : st.substring(6).split(",")) {
                    switch (f.strip()) {
                        case "interval" -> flags |= SET_INTERVAL;
                        case "dynamic" -> flags |= SET_DYNAMIC;
                        default -> {
                            return null;
                        }
                    }
                }
            } else if (st.matches("size \\d{1,9}")) {
                size = Integer.parseInt(st.substring(5));
            } else if (st.equals("counter") && expr == null) {
                expr = counterBody();
            } else if (st.startsWith("limit ") && expr == null) {
                List<byte[]> limit = NftRules.compile(tokens(st), Map.of());
                if (limit == null || limit.size() != 1) {
                    return null;
                }
                expr = unwrap(limit.getFirst());
            } else {
                return null;
            }
        }
        boolean concat = key.size() > 1;
        if (key.isEmpty() || map != (data != null) || (map && concat) || (concat && size != null)) {
            return null;
        }
        int dataType = 0, dataLength = 0, dataOrder = 0;
        if (map) {
            switch (data) {
                case "verdict" -> dataType = VERDICT_TYPE;
                case "classid" -> {
                    dataType = 23;
                    dataLength = 4;
                    dataOrder = 1; // host order: nft keeps a class id as the kernel's skb->priority
                }
                default -> {
                    return null;
                }
            }
            flags |= SET_MAP;
        }
        if (concat && (flags & SET_INTERVAL) != 0) {
            flags |= SET_CONCAT;
        }
        int typeId = 0, keyLength = 0;
        for (Type k : key) {
            typeId = (typeId << 6) | k.id();
            keyLength += (k.length() + 3) & ~3;
        }
        int id = batch.add(t.get(4));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(body(table, attr(2, cstring(t.get(4))), u32(3, flags), u32(4, typeId), u32(5, keyLength)));
        if (map) {
            b.writeBytes(concat(u32(6, dataType), u32(7, dataLength)));
        }
        b.writeBytes(u32(10, id));
        if ((flags & SET_CONCAT) != 0) {
            ByteArrayOutputStream fields = new ByteArrayOutputStream();
            key.forEach(k -> fields.writeBytes(nested(1, u32(1, k.length()))));
            b.writeBytes(nested(9, nested(2, fields.toByteArray())));
        } else if (size != null) {
            b.writeBytes(nested(9, u32(1, size)));
        }
        b.writeBytes(attr(13, userdata(concat, map, dataOrder)));
        if (expr != null) {
            b.writeBytes(nested(17, expr));
        }
        return new Message(NEWSET, NLM_F_CREATE, b.toByteArray());
    }

    /**
     * What nft keeps in a set's user data to print it back: the key's byte order (network order for one
     * address; none for a concatenation, which then names its parts by type: an empty {@code typeof}), and
     * for a map its data's byte order and that the data are not ranges.
     */
    private static byte[] userdata(boolean concat, boolean map, int dataOrder) {
        ByteArrayOutputStream u = new ByteArrayOutputStream();
        u.writeBytes(new byte[] {0, 4, (byte) (concat ? 0 : 2), 0, 0, 0});
        if (map) {
            u.writeBytes(new byte[] {1, 4, (byte) dataOrder, 0, 0, 0, 6, 4, 0, 0, 0, 0});
        }
        if (concat) {
            u.writeBytes(new byte[] {3, 8, 0, 4, 13, 0, 0, 0, 1, 0});
        }
        return u.toByteArray();
    }

    /** {@code add rule inet T C STATEMENTS} */
    private static Message rule(List<String> t, byte[] table, Batch batch) {
        if (t.size() < 6 || !name(t.get(4))) {
            return null;
        }
        List<byte[]> exprs = NftRules.compile(t.subList(5, t.size()), batch.setIds);
        if (exprs == null) {
            return null;
        }
        return new Message(NEWRULE, NLM_F_CREATE | NLM_F_APPEND, body(table, attr(2, cstring(t.get(4))),
                nested(4, concat(exprs.toArray(byte[][]::new)))));
    }

    /** The expression inside one list element (a set holds its per-element expression without the element). */
    private static byte[] unwrap(byte[] listElement) {
        return java.util.Arrays.copyOfRange(listElement, 4, listElement.length);
    }

    private static byte[] body(byte[]... attrs) {
        return concat(INET, concat(attrs));
    }

    /**
     * The words of a command; a quoted string is one word with its quotes, and the braces of a block are words
     * of their own. Null for an unterminated quote or a control character.
     */
    static List<String> tokens(String command) {
        List<String> out = new ArrayList<>();
        int i = 0, n = command.length();
        while (i < n) {
            char c = command.charAt(i);
            if (c == ' ') {
                i++;
            } else if (c < ' ' || c == 127) {
                return null;
            } else if (c == '"') {
                int end = command.indexOf('"', i + 1);
                if (end < 0) {
                    return null;
                }
                out.add(command.substring(i, end + 1));
                i = end + 1;
            } else {
                int end = i;
                while (end < n && command.charAt(end) != ' ' && command.charAt(end) != '"') {
                    end++;
                }
                out.add(command.substring(i, end));
                i = end;
            }
        }
        return out;
    }
}
