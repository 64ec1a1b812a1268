package io.netpersona.substrate.linux;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Steps from one state of a set of keys to another, in the order the kernel needs them. */
final class Reconciler {
    private final Map<String, ResourceKind> kinds;

    Reconciler(Map<String, ResourceKind> kinds) {
        this.kinds = kinds;
    }

    /** The step that takes {@code from} to {@code to}, or none when they are equal. */
    static Optional<Step> step(Optional<Resource> from, Optional<Resource> to) {
        if (from.equals(to)) {
            return Optional.empty();
        }
        if (from.isEmpty()) {
            return Optional.of(new Step.Create(to.get()));
        }
        if (to.isEmpty()) {
            return Optional.of(new Step.Delete(from.get()));
        }
        return Optional.of(new Step.Modify(from.get(), to.get()));
    }

    /** Deletions first, last kind first; then creations and changes, first kind first. */
    List<Step> ordered(List<Step> steps) {
        Comparator<Step> byKind = Comparator.comparingInt(s -> kinds.get(s.key().kind()).order());
        List<Step> deletes = new ArrayList<>(steps.stream().filter(s -> s instanceof Step.Delete).toList());
        List<Step> others = new ArrayList<>(steps.stream().filter(s -> !(s instanceof Step.Delete)).toList());
        deletes.sort(byKind.reversed().thenComparing(Step::key));
        others.sort(byKind.thenComparing(Step::key));
        deletes.addAll(others);
        return deletes;
    }

    Batches render(List<Step> ordered) {
        Batches b = new Batches();
        if (ordered.size() < PARALLEL) {
            for (Step s : ordered) {
                b.from(s);
                kinds.get(s.key().kind()).render(s, b);
            }
            return b;
        }
        // a thousand personas' steps are rendered each on its own, on the cores there are, then joined in order
        List<Batches> each = ordered.parallelStream().map(s -> {
            Batches one = new Batches();
            one.from(s);
            kinds.get(s.key().kind()).render(s, one);
            return one;
        }).toList();
        each.forEach(b::append);
        return b;
    }

    /** Below this many steps they are rendered on one thread: starting the others costs more. */
    private static final int PARALLEL = 64;
}
