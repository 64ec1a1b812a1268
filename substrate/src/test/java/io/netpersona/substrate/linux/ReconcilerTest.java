package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.model.ByteSize;
import io.netpersona.model.Rate;
import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReconcilerTest {
    /** Many steps are rendered on several threads: the batches are the ones rendering them in order gives. */
    @Test
    void manyStepsRenderAsTheyWouldOneAfterTheOther() {
        Map<String, ResourceKind> kinds = QosCompilerTest.kinds();
        kinds.put(FileKind.KIND, new FileKind());
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String scope = i % 97 == 0 ? "other" : "h"; // a change of namespace starts another batch
            Resource cls = HtbClassKind.of(scope, "up0", AppContext.Ids.of(0x10 + i), new HtbClassKind.Shape(i % 8, Rate.mbit(1),
                    Rate.mbit(19), ByteSize.ofBytes(1600), ByteSize.ofBytes(1600), TbfLeaf.of(Rate.mbit(19), ByteSize.ofBytes(1600), 1500)));
            steps.add(i % 3 == 0 ? new Step.Delete(cls) : new Step.Create(cls));
            if (i % 50 == 0) {
                steps.add(new Step.Create(FileKind.of("/etc/netns/n" + i + "/resolv.conf", "nameserver 10.0.0." + i + "\n")));
                steps.add(new Step.Create(NftTableKind.of("h", "t" + i, "table inet t" + i + " {\n}\n")));
            }
        }
        Batches parallel = new Reconciler(kinds).render(steps);
        Batches serial = new Batches();
        for (Step s : steps) {
            serial.from(s);
            kinds.get(s.key().kind()).render(s, serial);
        }
        assertThat(parallel.all()).hasSizeGreaterThan(10).isEqualTo(serial.all());
        assertThat(parallel.all().stream().mapToInt(b -> b.lines().size()).sum()).isGreaterThan(500);
    }

    /** Deletions first, last kind first; then the others, first kind first; by key within a kind, ties as they came. */
    @Test
    void stepsAreOrderedByKindThenKeyDeletionsFirstInReverse() {
        Map<String, ResourceKind> kinds = QosCompilerTest.kinds();
        kinds.put(FileKind.KIND, new FileKind());
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            int n = (i * 7919) % 400; // keys out of order
            Resource cls = HtbClassKind.of(n % 5 == 0 ? "a" : "h", "up0", AppContext.Ids.of(0x10 + n), new HtbClassKind.Shape(1,
                    Rate.mbit(1), Rate.mbit(19), ByteSize.ofBytes(1600), ByteSize.ofBytes(1600), TbfLeaf.of(Rate.mbit(19),
                    ByteSize.ofBytes(1600), 1500)));
            steps.add(n % 3 == 0 ? new Step.Delete(cls) : new Step.Create(cls));
            if (n % 9 == 0) {
                Resource file = FileKind.of("/etc/netns/n" + n + "/resolv.conf", "nameserver 10.0.0." + (n % 250) + "\n");
                steps.add(n % 2 == 0 ? new Step.Delete(file) : new Step.Create(file));
                steps.add(new Step.Create(NftTableKind.of("h", "t" + n, "table inet t" + n + " {\n}\n")));
            }
        }
        java.util.Comparator<Step> byKind = java.util.Comparator.comparingInt(st -> kinds.get(st.key().kind()).order());
        List<Step> expected = new ArrayList<>(steps.stream().filter(st -> st instanceof Step.Delete)
                .sorted(byKind.reversed().thenComparing(Step::key)).toList());
        expected.addAll(steps.stream().filter(st -> !(st instanceof Step.Delete)).sorted(byKind.thenComparing(Step::key)).toList());
        List<Step> ordered = new Reconciler(kinds).ordered(steps);
        assertThat(ordered).containsExactlyElementsOf(expected);
        assertThat(ordered.getFirst()).isInstanceOf(Step.Delete.class);
        assertThat(ordered.stream().map(st -> st.key().kind()).distinct().count()).isGreaterThanOrEqualTo(3);
    }
}
