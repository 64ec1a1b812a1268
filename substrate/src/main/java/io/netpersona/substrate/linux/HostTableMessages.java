package io.netpersona.substrate.linux;

import io.netpersona.substrate.linux.netlink.NftStructure;
import java.util.ArrayList;
import java.util.List;

/**
 * The skeleton of a host's shared table ({@link HostTable#skeleton()}) as the nf_tables messages nft sends
 * for it, made once: the table, its chains, its sets, then every chain's rules, in the order nft takes a
 * table block (the kernel numbers chains, sets and rules from one counter, and prints those numbers: the
 * same order gives the same table). Its commands come from the skeleton's own text, so the text nft runs
 * and the messages sent here cannot drift apart.
 */
final class HostTableMessages {
    private static final String[] LINES = HostTable.skeleton().split("\n", -1);
    private static final List<String> COMMANDS = ordered(NftCommands.split(HostTable.skeleton()));
    private static final List<String> SETS = COMMANDS.stream().filter(c -> c.startsWith("add set ") || c.startsWith("add map "))
            .map(c -> c.split(" ")[4]).toList();
    /** Made for a batch that makes no set before the skeleton's, as when the first persona of a host comes. */
    private static volatile NftStructure first;

    private HostTableMessages() {}

    /** Whether the skeleton's text starts at line {@code at} of a script's lines. */
    static boolean startsAt(String[] lines, int at) {
        if (!lines[at].equals(LINES[0]) || lines.length - at < LINES.length - 1) {
            return false;
        }
        for (int i = 1; i < LINES.length - 1; i++) { // the skeleton's text ends with a line break: its last part is empty
            if (!lines[at + i].equals(LINES[i])) {
                return false;
            }
        }
        return true;
    }

    /** The skeleton's messages for a batch, as one command spanning its lines from {@code firstLine}. */
    static NftStructure skeleton(NftStructure.Batch batch, int firstLine) {
        if (batch.fresh() && first != null) {
            batch.made(SETS);
            return new NftStructure(first.requests(), firstLine, LINES.length - 1, first.describe());
        }
        boolean fresh = batch.fresh();
        List<NftStructure> parts = new ArrayList<>();
        for (String c : COMMANDS) {
            parts.add(NftStructure.parse(c, batch, firstLine)
                    .orElseThrow(() -> new IllegalStateException("a command of the host table's skeleton has no netlink form: " + c)));
        }
        NftStructure s = NftStructure.of(parts, firstLine, LINES.length - 1, "add table " + HostTable.TABLE + " (its skeleton)");
        if (fresh) {
            first = s;
        }
        return s;
    }

    /** The table first, then its chains, then its sets, then the rules: how nft orders a table block's commands. */
    private static List<String> ordered(List<String> commands) {
        List<String> out = new ArrayList<>();
        for (String prefix : List.of("add table ", "add chain ", "add set |add map ", "add rule ")) {
            for (String c : commands) {
                for (String p : prefix.split("\\|")) {
                    if (c.startsWith(p)) {
                        out.add(c);
                    }
                }
            }
        }
        if (out.size() != commands.size()) {
            throw new IllegalStateException("the host table's skeleton holds a command of another kind");
        }
        return out;
    }
}
