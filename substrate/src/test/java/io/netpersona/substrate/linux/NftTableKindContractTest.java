package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the QoS steering relies on from {@link NftTableKind}: the contract the firewall branch's kind of the
 * same name keeps too (of(scope, table, script), attribute "script", atomic replace, fingerprint drift).
 */
class NftTableKindContractTest {
    static final String SCRIPT = """
            table inet netpersona-web {
            	chain qos-egress {
            		type filter hook postrouting priority mangle; policy accept;
            		oifname "up0" ip saddr { 10.0.1.2 } meta priority set 1:1a ip dscp set 46
            	}
            }""";
    static final String LISTING = """
            table inet netpersona-web {
            	set fw-meter {
            		type ipv4_addr
            		size 65535
            		flags dynamic,timeout
            		timeout 1m
            		elements = { 10.0.0.7 expires 41s limit rate 10/second,
            			     10.0.0.9 expires 12s limit rate 10/second }
            	}

            	chain qos-egress {
            		type filter hook postrouting priority mangle; policy accept;
            		oifname "up0" ip saddr 10.0.1.2 meta priority set 1:1a ip dscp set ef counter packets 1234 bytes 567890
            	}
            }
            """;

    static Batches render(Step step) {
        Batches b = new Batches();
        b.from(step);
        new NftTableKind().render(step, b);
        return b;
    }

    @Test
    void createAndModifyReplaceTheTableWholeInOneScript() {
        Resource t = NftTableKind.of("h1", "netpersona-web", SCRIPT);
        assertThat(t.attr(NftTableKind.SCRIPT)).isEqualTo(SCRIPT);
        assertThat(render(new Step.Create(t)).all()).singleElement().satisfies(batch -> {
            assertThat(batch.tool()).isEqualTo(Batches.Tool.NFT);
            assertThat(batch.scope()).isEqualTo("h1");
            assertThat(batch.lines()).containsExactly("add table inet netpersona-web\ndelete table inet netpersona-web\n" + SCRIPT);
        });
        assertThat(render(new Step.Delete(t)).all().getFirst().lines())
                .containsExactly("add table inet netpersona-web\ndelete table inet netpersona-web");
    }

    @Test
    void theFingerprintIgnoresTrafficAndSeesHands() {
        String n = NftTableKind.normalise(LISTING);
        assertThat(n).doesNotContain("1234", "10.0.0.7", "expires").contains("meta priority set 1:1a", "flags dynamic,timeout");
        String later = LISTING.replace("packets 1234 bytes 567890", "packets 99999 bytes 1").replace("expires 41s", "expires 2s");
        assertThat(NftTableKind.normalise(later)).isEqualTo(n);
        assertThat(NftTableKind.normalise(LISTING.replace("set 1:1a", "set 1:1b"))).isNotEqualTo(n);
    }

    @Test
    void readBackIsTheRecordedStateWhileTheListingIsUnchanged() {
        Resource applied = NftTableKind.of("h1", "netpersona-web", SCRIPT);
        Resource.Key key = applied.key();
        CannedCommands c = new CannedCommands().answer(Commands.nft("h1", "list", "table", "inet", "netpersona-web"), LISTING);
        Records.Entry entry = new Records.Entry(key, Optional.empty(), Optional.of(applied), NftTableKind.normalise(LISTING));
        assertThat(new NftTableKind().read(key, new HostView(c), entry)).contains(applied);
        Records.Entry byHand = new Records.Entry(key, Optional.empty(), Optional.of(applied), "what the apply left");
        Resource now = new NftTableKind().read(key, new HostView(c), byHand).orElseThrow();
        assertThat(now).isNotEqualTo(applied);
        assertThat(now.attr(NftTableKind.SCRIPT)).contains("meta priority set 1:1a");
        assertThat(new NftTableKind().read(key, new HostView(new CannedCommands()), entry)).isEmpty();
    }

    @Test
    void refusesANameOrScriptThatIsNotThatTable() {
        assertThatThrownBy(() -> NftTableKind.of("h1", "x { }", "table inet x { }")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NftTableKind.of("h1", "netpersona-web", "table inet other {\n}"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
