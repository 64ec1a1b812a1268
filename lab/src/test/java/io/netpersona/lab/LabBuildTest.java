package io.netpersona.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.model.Rate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rendered commands: what the kernel is told, checked without a kernel. */
class LabBuildTest {
    static final LabLayout DEFAULT = new LabLayout(LabConfig.defaults());

    @Test
    void eachSitesTrafficTakesTheDetourThroughItsDelayDeviceBothWays() {
        assertThat(LabBuild.router(DEFAULT)).containsSubsequence(
                "tuntap add dev npl-dly-a mode tun",
                "link set npl-dly-a mtu 1500 up",
                "route add 10.201.1.0/24 via 10.201.0.2 dev npl-r-a",
                "route add default dev npl-dly-a table 201",
                "rule add pref 1100 iif npl-r-a lookup 201",
                "rule add pref 1200 iif npl-dly-a to 10.202.0.0/16 lookup 202",
                "rule add pref 1300 iif npl-dly-a lookup main",
                "rule add pref 1400 to 10.201.0.0/16 lookup 201");
        assertThat(LabBuild.router(DEFAULT)).contains("link set npl-dly-b mtu 1400 up");
    }

    @Test
    void bothPortsOfTheWireGetTheRateOverADeepFifo() {
        assertThat(LabBuild.wireQueues(DEFAULT, Site.A, "add")).containsExactly(
                "qdisc add dev npl-wa-h root handle 1: tbf rate 20000000bit burst 6056 limit 1514000",
                "qdisc add dev npl-wa-h parent 1:1 handle 10: pfifo limit 1000",
                "qdisc add dev npl-wa-r root handle 1: tbf rate 20000000bit burst 6056 limit 1514000",
                "qdisc add dev npl-wa-r parent 1:1 handle 10: pfifo limit 1000");
        LabLayout fast = new LabLayout(LabConfig.builder().rate(Rate.parse("1Gbit")).build());
        assertThat(LabBuild.wireQueues(fast, Site.B, "change")).containsExactly(
                "qdisc change dev npl-wb-h root handle 1: tbf rate 1000000000bit burst 125000 limit 1514000",
                "qdisc change dev npl-wb-r root handle 1: tbf rate 1000000000bit burst 125000 limit 1514000");
    }

    @Test
    void lossIsPerMilleOnTheRoutersLinkInEachDirectionAndReplacesTheTable() {
        LabLayout lossy = new LabLayout(LabConfig.builder().loss(Site.A, 3).loss(Site.B, 0.5).build());
        assertThat(LabBuild.lossRules(lossy)).isEqualTo("""
                table ip netpersona_lab
                delete table ip netpersona_lab
                table ip netpersona_lab {
                  chain forward {
                    type filter hook forward priority 0; policy accept;
                    oifname "npl-r-a" counter comment "to-a"
                    oifname "npl-r-a" numgen random mod 1000 < 30 counter drop comment "loss-to-a"
                    iifname "npl-r-a" counter comment "from-a"
                    iifname "npl-r-a" numgen random mod 1000 < 30 counter drop comment "loss-from-a"
                    oifname "npl-r-b" counter comment "to-b"
                    oifname "npl-r-b" numgen random mod 1000 < 5 counter drop comment "loss-to-b"
                    iifname "npl-r-b" counter comment "from-b"
                    iifname "npl-r-b" numgen random mod 1000 < 5 counter drop comment "loss-from-b"
                  }
                }
                """);
        assertThat(LabBuild.lossRules(DEFAULT)).doesNotContain("drop").contains("comment \"to-a\"", "comment \"from-b\"");
    }

    @Test
    void applicationsAndClientsRouteByDefaultWithCubicAsAStockLinuxDoes() {
        assertThat(LabBuild.leaf(DEFAULT, "10.201.1.10/24", "10.201.1.1"))
                .contains("route add default via 10.201.1.1 dev npl-eth0 congctl cubic");
    }

    @Test
    void theNamespacesComeFirstAndTheLossRulesLast() {
        List<Step> steps = LabBuild.steps(DEFAULT);
        assertThat(steps.getFirst().argv()).containsExactly("ip", "-batch", "-");
        assertThat(steps.getFirst().stdin()).startsWith("netns add npl-router\nnetns add npl-wire-a\nnetns add npl-host-a\n");
        assertThat(steps.getLast().argv()).containsExactly("ip", "netns", "exec", "npl-router", "nft", "-f", "-");
        // one process per namespace and tool, not one per command
        assertThat(steps).hasSize(1 + 12 + 12 + 2 + 1);
    }
}
