package io.netpersona.substrate.linux.netlink;

import java.util.List;

/**
 * One command of an nft script as the nf_tables netlink messages nft would send for it, to go with others
 * into one batch (one kernel transaction): element commands ({@link NftElements}) and the structure of a
 * table ({@link NftStructure}: tables, sets, chains, rules and their removal).
 */
public interface NftCommand {
    /** One message of a batch: its type ({@code NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_*}), header flags and body. */
    record Message(int type, int flags, byte[] body) {}

    /** The messages, in the order the kernel must take them. */
    List<Message> requests();

    /** The number of the command's first line in its script (for the same lines to go to nft instead). */
    int firstLine();

    /** How many lines of the script the command spans. */
    int lines();

    /** The command in words, for a refusal: its verb, object and name ({@code add element inet t s}). */
    String describe();
}
