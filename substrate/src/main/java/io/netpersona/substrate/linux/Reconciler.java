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
        // each step's key and kind order found once: a step makes its key anew each time it is asked, and
        // sorting a thousand personas' steps asks some hundred thousand times
        record Sortable(Step step, Resource.Key key, int order) {}
        List<Sortable> deletes = new ArrayList<>();
        List<Sortable> others = new ArrayList<>();
        for (Step s : steps) {
            Resource.Key key = s.key();
            (s instanceof Step.Delete ? deletes : others).add(new Sortable(s, key, kinds.get(key.kind()).order()));
        }
        Comparator<Sortable> byKind = Comparator.comparingInt(Sortable::order);
        deletes.sort(byKind.reversed().thenComparing(Sortable::key));
        others.sort(byKind.thenComparing(Sortable::key));
        List<Step> out = new ArrayList<>(steps.size());
        deletes.forEach(x -> out.add(x.step()));
        others.forEach(x -> out.add(x.step()));
        return out;
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
