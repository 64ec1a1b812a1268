package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which applies start their tc lane before the rest is made: tc steps, then nft steps, no deletion. */
class LanesTest {
    private static Step create(String kind, String id) {
        return new Step.Create(new Resource(kind, "h", id, Map.of("a", "1")));
    }

    private final Step root = create(HtbRootKind.KIND, "up0");
    private final Step cls = create(HtbClassKind.KIND, "up0 1:10");
    private final Step table = create(HostTableKind.KIND, "t");
    private final Step entries = create(HostEntriesKind.KIND, "app 10");

    @Test
    void tcStepsFollowedByNftStepsSplit() {
        assertThat(Lanes.tcLead(List.of(root, cls, table, entries))).containsExactly(root, cls);
        Step modify = new Step.Modify(new Resource(HtbClassKind.KIND, "h", "up0 1:10", Map.of("a", "0")),
                new Resource(HtbClassKind.KIND, "h", "up0 1:10", Map.of("a", "1")));
        assertThat(Lanes.tcLead(List.of(modify, entries))).containsExactly(modify);
    }

    @Test
    void anyOtherMixIsMadeAndRunAsOne() {
        assertThat(Lanes.tcLead(List.of(root, cls))).as("tc alone").isNull();
        assertThat(Lanes.tcLead(List.of(table, entries))).as("nft alone").isNull();
        assertThat(Lanes.tcLead(List.of())).isNull();
        assertThat(Lanes.tcLead(List.of(new Step.Delete(((Step.Create) entries).resource()), root, table)))
                .as("a deletion").isNull();
        assertThat(Lanes.tcLead(List.of(create(IfbLinkKind.KIND, "ifb0"), root, table))).as("a device first").isNull();
        assertThat(Lanes.tcLead(List.of(root, table, create(FileKind.KIND, "/etc/netns/a/resolv.conf"))))
                .as("a file after").isNull();
    }
}
