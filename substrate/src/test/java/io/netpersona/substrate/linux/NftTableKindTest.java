package io.netpersona.substrate.linux;

import static io.netpersona.substrate.linux.FirewallScriptTest.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The fingerprint of a table and the atomic replace, from listings nft 1.0.6 printed for real tables. */
class NftTableKindTest {
    @Test
    void theFingerprintLeavesOutWhatTrafficChanges() throws IOException {
        // listed after three connections from two IPv4 sources and one IPv6 source
        String listing = resource("listing-with-traffic.txt");
        assertThat(listing).contains("packets 6 bytes 376", "10.99.0.2 ct count over 3, 10.99.0.3 ct count over 3");
        String fp = NftTableKind.normalise(listing);
        assertThat(fp).isEqualTo(resource("listing-normalised.txt"))
                .doesNotContain("packets 6 bytes", "bytes 0", "ct count over 3,", "fd00:99::2 ct count")
                .contains("elements = { 10.201.2.0/24 . 0-65535 }", "counter rx {\n\t}");
        assertThat(NftTableKind.normalise(fp)).isEqualTo(fp);
    }

    @Test
    void elementsOfStaticSetsOverSeveralLinesStay() {
        String listing = """
                table inet t {
                	set in4 {
                		type ipv4_addr . inet_service
                		flags interval
                		elements = { 10.99.0.0/24 . 80,
                			     0.0.0.0/0 . 22 }
                	}

                	set seen {
                		type ipv4_addr
                		size 65535
                		flags dynamic,timeout
                		elements = { 10.0.0.1 expires 9s,
                			     10.0.0.2 expires 3s }
                	}

                	chain input {
                		type filter hook input priority filter; policy accept;
                		ip saddr . tcp dport @in4 counter packets 12 bytes 720 accept
                	}
                }
                """;
        assertThat(NftTableKind.normalise(listing)).isEqualTo("""
                table inet t {
                	set in4 {
                		type ipv4_addr . inet_service
                		flags interval
                		elements = { 10.99.0.0/24 . 80,
                			     0.0.0.0/0 . 22 }
                	}

                	set seen {
                		type ipv4_addr
                		size 65535
                		flags dynamic,timeout
                	}

                	chain input {
                		type filter hook input priority filter; policy accept;
                		ip saddr . tcp dport @in4 counter accept
                	}
                }
                """);
    }

    @Test
    void aHandChangeIsNamedByTheLineItLostOrGained() {
        String applied = "table inet t {\n\tchain input {\n\t\ttcp dport @in_tcp accept\n\t\tgoto refuse\n\t}\n}\n";
        assertThat(NftTableKind.difference(applied, applied.replace("\t\ttcp dport @in_tcp accept\n", "")))
                .isEqualTo("lost tcp dport @in_tcp accept");
        assertThat(NftTableKind.difference(applied, applied.replace("goto refuse", "accept")))
                .isEqualTo("lost goto refuse; gained accept");
    }

    @Test
    void everyChangeReplacesTheWholeTableInOneScript() {
        Resource r = NftTableKind.of("ns1", "netpersona-a", "table inet netpersona-a {\n}\n");
        Batches b = new Batches();
        b.from(new Step.Create(r));
        new NftTableKind().render(new Step.Modify(r, r), b);
        new NftTableKind().render(new Step.Delete(r), b);
        assertThat(b.all()).singleElement().satisfies(batch -> {
            assertThat(batch.tool()).isEqualTo(Batches.Tool.NFT);
            assertThat(batch.scope()).isEqualTo("ns1");
            assertThat(String.join("\n", batch.lines())).isEqualTo("""
                    add table inet netpersona-a
                    delete table inet netpersona-a
                    table inet netpersona-a {
                    }

                    add table inet netpersona-a
                    delete table inet netpersona-a""");
        });
        assertThatThrownBy(() -> NftTableKind.of("", "a;b", "table inet a;b {\n}\n"))
                .hasMessageContaining("nft table name a;b");
        String longest = FirewallScript.table("p".repeat(63));
        assertThat(NftTableKind.of("", longest, "table inet " + longest + " {\n}\n").id()).hasSize(74);
    }
}
