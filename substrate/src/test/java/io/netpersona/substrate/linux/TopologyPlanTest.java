package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.model.Names;
import io.netpersona.substrate.Resource;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Names, addresses and routes of stars, meshes and trees, without a kernel. */
class TopologyPlanTest {
    static final int MINOR = 0x1a2b; // 10.250.43.0/24, devices np1a2b-*

    static Map<String, Resource> byKey(TopologyPlan p) {
        return p.resources().stream().collect(Collectors.toMap(r -> r.kind() + " " + r.scope() + " " + r.id(), r -> r));
    }

    @Test
    void aStarIsABridgeInTheHubWithAVethToEveryOtherMember() {
        TopologyPlan p = TopologyPlan.star("b", List.of("a", "b", "c"), MINOR);
        Map<String, Resource> r = byKey(p);
        assertThat(r).containsOnlyKeys("link-bridge b np1a2b-br", "link-veth b np1a2b-p0", "link-veth b np1a2b-p2");
        assertThat(r.get("link-bridge b np1a2b-br").attr("addresses")).isEqualTo("10.250.43.1/24");
        Resource toC = r.get("link-veth b np1a2b-p2");
        assertThat(toC.attributes()).containsEntry("master", "np1a2b-br").containsEntry("peer", "np1a2b-up")
                .containsEntry("peer-netns", "c").containsEntry("peer-addresses", "10.250.43.4/24");
    }

    @Test
    void aMeshHasAPointToPointLinkForEveryPair() {
        TopologyPlan p = TopologyPlan.mesh(List.of("a", "b", "c", "d"), MINOR);
        assertThat(p.resources()).hasSize(6).allSatisfy(r -> assertThat(r.kind()).isEqualTo(LinkKind.VETH));
        Resource last = byKey(p).get("link-veth c np1a2b-m3");
        assertThat(last.attributes()).containsEntry("addresses", "10.250.43.10/31").containsEntry("peer", "np1a2b-m2")
                .containsEntry("peer-netns", "d").containsEntry("peer-addresses", "10.250.43.11/31");
    }

    @Test
    void aTreeOfSevenWithFanoutTwoHasThreeParentsAndRoutesThroughThem() {
        List<String> nodes = List.of("n0", "n1", "n2", "n3", "n4", "n5", "n6");
        Map<String, Resource> r = byKey(TopologyPlan.tree(nodes, 2, MINOR));
        // parents n0, n1, n2 own a /29 each: .0, .8, .16
        assertThat(r.get("link-bridge n1 np1a2b-br").attr("addresses")).isEqualTo("10.250.43.9/29");
        assertThat(r.get("link-veth n1 np1a2b-p4").attributes()).containsEntry("peer-netns", "n4")
                .containsEntry("peer-addresses", "10.250.43.11/29").containsEntry("master", "np1a2b-br");
        assertThat(r.get("link-veth n0 np1a2b-p2").attr("peer-addresses")).isEqualTo("10.250.43.3/29");
        assertThat(r.get("route n4 inet main 10.250.43.0/24").attributes()).containsEntry("gateway", "10.250.43.9")
                .containsEntry("dev", "np1a2b-up");
        assertThat(r.get("route n0 inet main 10.250.43.16/29").attr("gateway")).isEqualTo("10.250.43.3");
        assertThat(r).doesNotContainKey("route n0 inet main 10.250.43.0/24").doesNotContainKey("link-bridge n3 np1a2b-br");
        assertThat(r.get("sysctl n2 net.ipv4.ip_forward").attr("value")).isEqualTo("1");
        assertThat(r).doesNotContainKey("sysctl n3 net.ipv4.ip_forward");
    }

    @Test
    void deeperTreesRouteToGrandchildrenThroughTheChildAboveThem() {
        assertThat(TopologyPlan.childAbove(0, 5, 2)).isEqualTo(2);
        assertThat(TopologyPlan.childAbove(0, 11, 2)).isEqualTo(2); // 11 -> 5 -> 2
        assertThat(TopologyPlan.childAbove(1, 5, 2)).isEqualTo(-1);
        List<String> nodes = java.util.stream.IntStream.range(0, 15).mapToObj(i -> "n" + i).toList();
        Map<String, Resource> r = byKey(TopologyPlan.tree(nodes, 2, MINOR));
        // n5 (internal, index 5) owns .40/29; the root reaches it through n2's address on the root's bridge
        assertThat(r.get("route n0 inet main 10.250.43.40/29").attr("gateway")).isEqualTo("10.250.43.3");
        assertThat(r.get("route n2 inet main 10.250.43.40/29").attr("gateway")).isEqualTo("10.250.43.18");
    }

    @Test
    void namesFitAndLargeShapesAreRecognised() {
        for (Resource res : TopologyPlan.star("h", java.util.stream.IntStream.range(0, 253).mapToObj(i -> i == 0 ? "h" : "m" + i).toList(), 0xfeff).resources()) {
            assertThat(Names.isInterface(res.id())).as(res.id()).isTrue();
        }
        assertThat(TopologyPlan.fits(7, 2)).isTrue();
        assertThat(TopologyPlan.fits(64, 2)).isTrue(); // 32 parents * 8 addresses
        assertThat(TopologyPlan.fits(66, 2)).isFalse();
        assertThat(TopologyPlan.block(2)).isEqualTo(8);
        assertThat(TopologyPlan.block(6)).isEqualTo(16);
        assertThat(TopologyPlan.block(5)).isEqualTo(8);
    }
}
