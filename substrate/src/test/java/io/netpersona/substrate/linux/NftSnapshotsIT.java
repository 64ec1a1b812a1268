package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.substrate.linux.netlink.NetlinkReader;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ruleset generation read over nfnetlink, and views that keep a table's listing while it holds: a
 * listing is used again only while no change was committed in that namespace since it was made.
 */
class NftSnapshotsIT {
    private TestNet net;
    private String ns;

    @BeforeEach
    void host() {
        net = new TestNet();
        ns = net.ns("h");
        nft("add table inet snap");
        nft("add set inet snap s { type ipv4_addr; }");
        nft("add element inet snap s { 10.1.0.1 }");
    }

    @AfterEach
    void cleanUp() {
        net.close();
    }

    private void nft(String command) {
        net.commands().check(Commands.nft(ns, command.split(" ")), null);
    }

    @Test
    void theGenerationMovesWithEveryCommitAndOnlyThen() {
        NetlinkReader nl = NetlinkReader.shared().orElseThrow();
        long g = nl.nftGeneration(ns);
        assertThat(nl.nftGeneration(ns)).isEqualTo(g);
        net.commands().check(Commands.nft(ns, "list", "ruleset"), null);
        assertThat(nl.nftGeneration(ns)).as("a listing commits nothing").isEqualTo(g);
        nft("add element inet snap s { 10.1.0.2 }");
        long h = nl.nftGeneration(ns);
        assertThat(h).isNotEqualTo(g);
        String other = net.ns("o");
        long o = nl.nftGeneration(other);
        net.commands().check(Commands.nft(other, "add", "table", "inet", "x"), null);
        assertThat(nl.nftGeneration(other)).isNotEqualTo(o);
        assertThat(nl.nftGeneration(ns)).as("another namespace's commit").isEqualTo(h);
    }

    @Test
    void aKeptListingIsUsedUntilTheRulesetChanges() {
        NftSnapshots kept = new NftSnapshots();
        Optional<String> first = new HostView(net.commands(), kept).nftTable(ns, "inet", "snap");
        assertThat(first).get().asString().contains("10.1.0.1").doesNotContain("10.1.0.2");

        Commands counted = new Commands();
        HostView again = new HostView(counted, kept);
        assertThat(again.nftTable(ns, "inet", "snap")).isEqualTo(first);
        assertThat(again.nftIndex(ns, "inet", "snap")).isPresent();
        assertThat(counted.started()).as("processes for a table listed at this generation").isZero();

        nft("add element inet snap s { 10.1.0.2 }");
        HostView changed = new HostView(counted, kept);
        assertThat(changed.nftTable(ns, "inet", "snap")).get().asString().contains("10.1.0.2");
        assertThat(counted.started()).isEqualTo(1);

        assertThat(new HostView(net.commands(), kept).nftTable(ns, "inet", "gone")).isEmpty();
        long before = counted.started();
        assertThat(new HostView(counted, kept).nftTable(ns, "inet", "gone")).as("a table that is not there").isEmpty();
        assertThat(counted.started()).isEqualTo(before);
        nft("add table inet gone");
        assertThat(new HostView(counted, kept).nftTable(ns, "inet", "gone")).isPresent();

        // a view without snapshots always lists: metrics read counters, which move without a commit
        Commands plain = new Commands();
        new HostView(plain).nftTable(ns, "inet", "snap");
        new HostView(plain).nftTable(ns, "inet", "snap");
        assertThat(plain.started()).isEqualTo(2);
    }
}
