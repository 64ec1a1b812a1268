package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.model.ByteSize;
import io.netpersona.model.Rate;
import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shared resources: recorded apart from the personas, removed with the last persona they serve. */
class LedgerTest {
    @TempDir
    Path dir;
    final Map<String, ResourceKind> kinds = QosCompilerTest.kinds();
    final Resource root = QosCompiler.root("h", "up0", Rate.mbit(19), 1500);
    final Resource ifb = IfbLinkKind.of("h", "ifb0");

    Resource cls(int minor) {
        return HtbClassKind.of("h", "up0", AppContext.Ids.of(minor), new HtbClassKind.Shape(0, Rate.mbit(1), Rate.mbit(19),
                ByteSize.ofBytes(1600), ByteSize.ofBytes(1600), TbfLeaf.of(Rate.mbit(19), ByteSize.ofBytes(1600), 1500)));
    }

    static Records.Entry made(Resource r) {
        return new Records.Entry(r.key(), Optional.empty(), Optional.of(r), "fp");
    }

    void applied(String persona, Resource... resources) {
        Ledger l = Ledger.load(new Records(dir), kinds, persona);
        Map<Resource.Key, Records.Entry> entries = l.entries();
        for (Resource r : resources) {
            entries.put(r.key(), made(r));
        }
        l.save(entries, null);
    }

    @Test
    void sharedResourcesGoToTheHostsRecordNotThePersonas() throws Exception {
        applied("a", root, ifb, cls(0x10));
        Records records = new Records(dir);
        assertThat(records.load("a").orElseThrow().entries().keySet()).containsExactly(cls(0x10).key());
        assertThat(records.load(Ledger.SHARED).orElseThrow().entries().keySet()).containsExactlyInAnyOrder(root.key(), ifb.key());
        Ledger b = Ledger.load(records, kinds, "b");
        assertThat(b.holds(root.key())).isTrue();
        assertThat(b.holds(cls(0x10).key())).isFalse();
        assertThat(b.entry(root.key()).applied()).contains(root);
        assertThat(Files.readString(dir.resolve(Records.LOG))).contains("tc-htb-root");
    }

    @Test
    void theHostPartStaysWhileAnotherPersonaNeedsItAndGoesWithTheLast() {
        applied("a", root, cls(0x10));
        applied("b", cls(0x11));
        Ledger a = Ledger.load(new Records(dir), kinds, "a");
        assertThat(a.releases(Set.of(), k -> Optional.of(root))).isEmpty();

        // a is gone: its record holds nothing any more
        new Records(dir).save(new Records.Record("a", 0x10, Map.of(), null));
        Ledger b = Ledger.load(new Records(dir), kinds, "b");
        assertThat(b.releases(Set.of(cls(0x11).key()), k -> Optional.of(root))).as("b still has its class").isEmpty();
        assertThat(b.releases(Set.of(), k -> Optional.of(root))).singleElement()
                .isEqualTo(new Step.Delete(root));
    }

    @Test
    void personasLeavingTogetherTakeTheHostPartOnlyWhenNoneStays() {
        applied("a", root, cls(0x10));
        applied("b", cls(0x11));
        applied("c", cls(0x12));
        Records records = new Records(dir);
        Ledger.Leaving ab = new Ledger.Leaving(records, Set.of("a", "b"), Set.of());
        assertThat(Ledger.load(records, kinds, "a").releases(k -> Optional.of(root), ab)).as("c stays").isEmpty();
        Ledger.Leaving all = new Ledger.Leaving(records, Set.of("a", "b", "c"), Set.of());
        assertThat(Ledger.load(records, kinds, "b").releases(k -> Optional.of(root), all)).singleElement()
                .isEqualTo(new Step.Delete(root));
        assertThat(Ledger.load(records, kinds, "x").releases(k -> Optional.of(root), all)).as("x never used it").singleElement()
                .isEqualTo(new Step.Delete(root));
    }

    @Test
    void aPersonaThatNeverUsedTheHostPartDoesNotRemoveIt() {
        applied("a", root, cls(0x10));
        new Records(dir).save(new Records.Record("a", 0x10, Map.of(), null));
        Ledger stranger = Ledger.load(new Records(dir), kinds, "c");
        assertThat(stranger.releases(Set.of(), k -> Optional.of(root))).isEmpty();
    }

    @Test
    void theLastSharedEntryGoneTakesTheHostsRecordWithIt() {
        applied("a", root, cls(0x10));
        Ledger a = Ledger.load(new Records(dir), kinds, "a");
        a.save(Map.of(), null);
        assertThat(new Records(dir).all()).as("read back from the log").isEmpty();
    }
}
