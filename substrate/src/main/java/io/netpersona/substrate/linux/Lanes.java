package io.netpersona.substrate.linux;

import io.netpersona.substrate.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * An apply's batches made and run in two parts when its steps allow: the tc commands first, the rest (nft)
 * after. When every step creates or changes a tc or an nft resource, the batches are a tc lane and an nft
 * lane that {@link BatchRunner} runs at the same time anyway (neither tool refers to what the other makes);
 * the tc lane is the longer one on a host of many personas (the kernel adds a class in time that grows with
 * the classes there are), so it starts as soon as the journal is on disk and its requests are made, while
 * the nft scripts are still being made. Any other mix of steps is made and run as one, in order.
 */
final class Lanes {
    private final BatchRunner runner;
    private final Reconciler reconciler;
    /** The tc part, made first; completed with null when the steps are not split. */
    private final CompletableFuture<BatchRunner.Prepared> tc = new CompletableFuture<>();
    /** The first step of the second part, to name should its making fail once the tc lane ran. */
    private volatile Step firstOfRest;

    Lanes(BatchRunner runner, Reconciler reconciler) {
        this.runner = runner;
        this.reconciler = reconciler;
    }

    /**
     * Makes the batches of the ordered steps (on the caller's thread, which should not be the one that writes
     * the journal): the tc part first, when they split, for {@link #run} to start with; returns the rest.
     */
    BatchRunner.Prepared make(List<Step> ordered, Timings t) {
        try {
            List<Step> rest = ordered;
            List<Step> lead = tcLead(ordered);
            if (lead != null) {
                long from = System.nanoTime();
                rest = ordered.subList(lead.size(), ordered.size());
                firstOfRest = rest.getFirst();
                tc.complete(runner.prepare(reconciler.render(lead)));
                t.beside("render: tc requests", from);
            } else {
                tc.complete(null);
            }
            long text = System.nanoTime();
            Batches rendered = reconciler.render(rest);
            t.beside("render: text", text);
            long made = System.nanoTime();
            BatchRunner.Prepared p = runner.prepare(rendered);
            t.beside("render: requests and scripts", made);
            return p;
        } catch (RuntimeException | Error e) {
            tc.completeExceptionally(e); // no-op once the tc part was made
            throw e;
        }
    }

    /**
     * The tc steps, when the ordered steps are tc steps followed by nft steps, none a deletion, both there;
     * else null. Ordered by kind, tc kinds (order 50..56) come before nft kinds (59..), and all creations
     * and changes after all deletions.
     */
    static List<Step> tcLead(List<Step> ordered) {
        int tcSteps = 0;
        while (tcSteps < ordered.size() && ordered.get(tcSteps).key().kind().startsWith("tc-")) {
            tcSteps++;
        }
        if (tcSteps == 0 || tcSteps == ordered.size()) {
            return null;
        }
        for (int i = 0; i < ordered.size(); i++) {
            Step s = ordered.get(i);
            if (s instanceof Step.Delete || !s.key().kind().startsWith(i < tcSteps ? "tc-" : "nft-")) {
                return null;
            }
        }
        return new ArrayList<>(ordered.subList(0, tcSteps));
    }

    /**
     * Starts running the batches once the journal is on disk: the tc part at once when there is one (a
     * failure to make it is thrown here, before the kernel is touched), the rest when {@code rest} is made.
     * The result is the first failure in the batches' order, once every lane stopped.
     */
    Concurrently.Result<Optional<BatchRunner.Failure>> run(Concurrently.Result<BatchRunner.Prepared> rest,
            BiConsumer<Batches.Tool, String> tcDone, Timings t) {
        BatchRunner.Prepared lead;
        try {
            lead = tc.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e; // as it was thrown where the batches are made
        }
        if (lead == null) {
            BatchRunner.Prepared all = rest.join();
            t.mark("batches wait");
            return Concurrently.supply(() -> runner.run(all, false, tcDone));
        }
        t.mark("tc requests wait");
        Concurrently.Result<Optional<BatchRunner.Failure>> first = Concurrently.supply(() -> runner.run(lead, false, tcDone));
        long from = System.nanoTime();
        Concurrently.Result<Optional<BatchRunner.Failure>> second = Concurrently.supply(() -> {
            BatchRunner.Prepared made;
            try {
                made = rest.join();
            } catch (RuntimeException e) {
                // the tc lane may have run: the caller puts the host back as for any failed batch
                return Optional.of(new BatchRunner.Failure(firstOfRest, "cannot make its commands: " + e.getMessage()));
            }
            t.beside("batches wait", from);
            for (Batches.Batch b : made.all) {
                if (b.tool() != Batches.Tool.NFT) {
                    return Optional.of(new BatchRunner.Failure(b.origins().getFirst(),
                            "an nft kind's step made a " + b.tool() + " batch, which must not run beside the tc lane"));
                }
            }
            return runner.run(made, false, (tool, scope) -> {});
        });
        return Concurrently.supply(() -> {
            // both lanes stop before anything is said: what one threw waits for the other, as in one run
            Optional<BatchRunner.Failure> a;
            try {
                a = first.join();
            } catch (RuntimeException | Error e) {
                second.join();
                throw e;
            }
            Optional<BatchRunner.Failure> b = second.join();
            return a.isPresent() ? a : b;
        });
    }
}
