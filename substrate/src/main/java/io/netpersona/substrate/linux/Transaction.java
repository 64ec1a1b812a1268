package io.netpersona.substrate.linux;

import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.substrate.Applied;
import io.netpersona.substrate.ApplyFailedException;
import io.netpersona.substrate.ChangeSet;
import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import io.netpersona.substrate.SubstrateException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * How {@link LinuxSubstrate} changes the host: change sets applied as one transaction (journal, batches,
 * records), put back when a batch fails, and undone after a crash cut one short. The rest of the driver
 * (compiling, observing, planning) only reads.
 */
final class Transaction {
    private final Commands commands;
    private final Records records;
    private final Map<String, ResourceKind> kinds;
    private final Reconciler reconciler;
    private final BatchRunner runner;
    private final NftSnapshots snapshots;
    private final Clock clock;
    private Timings timings = new Timings();

    Transaction(Commands commands, Records records, Map<String, ResourceKind> kinds, BatchRunner runner,
            NftSnapshots snapshots, Clock clock) {
        this.commands = commands;
        this.records = records;
        this.kinds = kinds;
        this.reconciler = new Reconciler(kinds);
        this.runner = runner;
        this.snapshots = snapshots;
        this.clock = clock;
    }

    /** Where the last {@link #applyAll} spent its time. */
    Timings timings() {
        return timings;
    }

    /**
     * Applies several personas' change sets as one transaction, in one batch per tool and namespace: the
     * way to realise many personas at once (a host starting up, a benchmark). All or nothing: on failure
     * every key of every change set is put back, and no record changes.
     *
     * <p>Before the kernel is touched, a journal records every key's state before and after; the new
     * records end it. An apply a crash cut short is undone by the next operation on this state folder
     * ({@link #recover}): its records never changed.
     */
    List<Applied> applyAll(List<ChangeSet> changeSets) {
        Timings t = new Timings();
        timings = t;
        return records.exclusive(() -> {
            t.mark("lock");
            recover();
            records.checkReservations();
            t.mark("recover");
            // the steps are ordered and the batches made while the state before is read and journaled: neither
            // needs the other. A conflict between change sets is refused before the journal is written
            java.util.concurrent.CompletableFuture<List<Step>> ordered = new java.util.concurrent.CompletableFuture<>();
            Lanes lanes = new Lanes(runner, reconciler);
            Concurrently.Result<BatchRunner.Prepared> prepared = Concurrently.supply(() -> {
                long from = System.nanoTime();
                List<Step> steps;
                try {
                    steps = reconciler.ordered(distinct(changeSets));
                    ordered.complete(steps);
                } catch (RuntimeException e) {
                    ordered.completeExceptionally(e);
                    throw e;
                }
                t.beside("render: steps ordered", from);
                BatchRunner.Prepared p = lanes.make(steps, t);
                t.beside("render", from);
                return p;
            });
            HostView view = new HostView(commands, snapshots);
            view.prefetch(reads(changeSets, false));
            t.mark("read before");
            List<Pending> pending = new ArrayList<>();
            Map<Resource.Key, Optional<Resource>> before = new TreeMap<>();
            Map<Resource.Key, Optional<Resource>> target = new TreeMap<>();
            for (ChangeSet changes : changeSets) {
                Ledger ledger = Ledger.load(records, kinds, changes.persona());
                Map<Resource.Key, Optional<Resource>> mine = new TreeMap<>();
                for (Step s : changes.steps()) {
                    mine.put(s.key(), before.computeIfAbsent(s.key(), k -> read(k, view, ledger.entry(k))));
                    target.put(s.key(), target(s));
                }
                pending.add(new Pending(changes, ledger, mine));
            }
            t.mark("states before");
            try {
                ordered.join();
            } catch (java.util.concurrent.CompletionException e) {
                prepared.join(); // the refusal, as it was thrown
                throw e;
            }
            // the kernel is touched only once the journal is on disk
            records.begin(new Records.Journal(before, target));
            t.mark("journal");
            // the queues a tc lane leaves are read while the other lanes (nft) still run
            HostView after = new HostView(commands);
            // found once the lanes started (a tc lane that ends waits for them): the kernel starts first
            java.util.concurrent.CompletableFuture<List<HostView.Read>> reads = new java.util.concurrent.CompletableFuture<>();
            List<Concurrently.Result<Void>> early = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.function.BiConsumer<Batches.Tool, String> tcDone = (tool, scope) -> {
                List<HostView.Read> queues = reads.join().stream().filter(r -> r.scope().equals(scope) && (r instanceof HostView.Read.Queues
                        || r instanceof HostView.Read.Qdiscs || r instanceof HostView.Read.Classes)).toList();
                if (!queues.isEmpty()) {
                    long from = System.nanoTime();
                    early.add(Concurrently.start(() -> {
                        try {
                            after.prefetch(queues);
                            t.beside("queues read back", from);
                        } catch (RuntimeException e) {
                            // read again below, where a failure of the apply comes first
                        }
                    }));
                }
            };
            // what the records need besides the state read back is made while the kernel works
            Concurrently.Result<Optional<BatchRunner.Failure>> running;
            try {
                running = lanes.run(prepared, tcDone, t);
            } finally {
                reads.complete(List.copyOf(reads(changeSets, true)));
            }
            List<HostView.Read> afterReads = reads.join();
            Map<String, String> documents = new java.util.HashMap<>();
            for (Pending p : pending) {
                if (p.changes().target() != null) {
                    documents.put(p.changes().persona(), document(p.changes().target()));
                }
            }
            // what the Applied results hold besides the time is known before the kernel ends: the state before as
            // the immutable map Applied keeps (its copy then takes it as it is), and each persona's previous document
            List<Map<Resource.Key, Optional<Resource>>> beforeCopies = new ArrayList<>(pending.size());
            List<Persona> previous = new ArrayList<>(pending.size());
            boolean[] again = new boolean[pending.size()];
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < pending.size(); i++) {
                Pending p = pending.get(i);
                beforeCopies.add(Map.copyOf(p.before()));
                // a persona in two change sets sees the first one's result: found in the loop below, in order
                again[i] = !seen.add(p.changes().persona());
                Persona was = null;
                try {
                    was = again[i] ? null : previousDocument(p.changes().persona(), p.ledger());
                } catch (RuntimeException e) {
                    again[i] = true; // a record that does not read: found again below, once the kernel is done
                }
                previous.add(was);
            }
            t.mark("documents");
            Optional<BatchRunner.Failure> failure = running.join();
            t.mark("kernel");
            List.copyOf(early).forEach(Concurrently.Result::join);
            if (failure.isPresent()) {
                List<String> residue = restore(before, target);
                records.abort();
                throw new ApplyFailedException(failure.get().step(), failure.get().reason(), residue.isEmpty(),
                        String.join("; ", residue));
            }
            after.prefetch(afterReads); // what the early reads left
            t.mark("read after");
            // each change set's records from the state read back, at once on the cores there are (a thousand fingerprints)
            // a shared key (the host's HTB root, its table) is in every change set: its fingerprint is read once
            Map<Resource.Key, Optional<String>> sharedPrints = new java.util.concurrent.ConcurrentHashMap<>();
            List<Outcome> outcomes = pending.parallelStream().map(p -> outcome(p, after, documents, sharedPrints)).toList();
            t.mark("outcomes");
            List<Applied> applied = new ArrayList<>();
            List<Records.Record> written = new ArrayList<>();
            // the host's shared resources: one record for all change sets, written once below
            Map<Resource.Key, Records.Entry> shared = new TreeMap<>(Ledger.shared(records));
            long millis = clock.millis();
            for (int i = 0; i < pending.size(); i++) {
                Pending p = pending.get(i);
                Outcome o = outcomes.get(i);
                shared.putAll(o.shared());
                written.add(o.record());
                applied.add(new Applied(p.changes(), beforeCopies.get(i),
                        again[i] ? previousDocument(p.changes().persona(), p.ledger()) : previous.get(i), millis));
                if (o.gone()) {
                    lastApplied.remove(p.changes().persona());
                } else {
                    lastApplied.put(p.changes().persona(), p.changes().target());
                }
            }
            written.add(Ledger.sharedRecord(prune(shared)));
            t.mark("records made");
            records.saveAll(written); // ends the journal
            t.mark("records saved");
            return applied;
        });
    }

    /**
     * Undoes an apply that a crash cut short, if the records have one: every key back to its state before
     * (the records never changed). Runs before any other operation on the state folder.
     */
    void recover() {
        records.exclusive(() -> {
            Optional<Records.Journal> journal = records.unfinished();
            if (journal.isEmpty()) {
                return;
            }
            List<String> residue = restore(journal.get().before(), journal.get().target());
            records.abort();
            if (!residue.isEmpty()) {
                throw new SubstrateException("an apply cut short before was undone, but not all of it: " + String.join("; ", residue)
                        + " (persona host show NAME shows it as drift; the next apply puts it right)");
            }
        });
    }

    /** The documents this object recorded, so that an apply does not parse again what it wrote itself. */
    private final Map<String, Persona> lastApplied = new java.util.HashMap<>();

    private Persona previousDocument(String persona, Ledger ledger) {
        Persona mine = lastApplied.get(persona);
        if (mine != null) {
            return mine;
        }
        String text = ledger.document();
        return text == null ? null : document(text);
    }

    /** Whether every own key of the persona is at its original or gone; reads only the keys this apply did not set. */
    private boolean nothingLeft(ChangeSet changes, Map<Resource.Key, Records.Entry> entries, HostView after) {
        Set<Resource.Key> set = new HashSet<>();
        changes.steps().forEach(s -> set.add(s.key()));
        return entries.values().stream().allMatch(e -> {
            Optional<Resource> now = set.contains(e.key()) ? e.applied() : read(e.key(), after, e);
            return now.isEmpty() || now.equals(e.original());
        });
    }

    /** What one change set of an applyAll leaves on record: its own record, the shared entries it set, whether it is gone. */
    private record Outcome(Records.Record record, Map<Resource.Key, Records.Entry> shared, boolean gone) {}

    /** The records of a change set that was applied, from the state read back after ({@code after}). */
    private Outcome outcome(Pending p, HostView after, Map<String, String> documents,
            Map<Resource.Key, Optional<String>> sharedPrints) {
        Map<Resource.Key, Records.Entry> entries = new TreeMap<>(p.ledger().own());
        Map<Resource.Key, Records.Entry> shared = new TreeMap<>();
        for (Step s : p.changes().steps()) {
            Optional<Resource> now = target(s);
            Records.Entry was = p.ledger().entry(s.key());
            Optional<Resource> original = p.ledger().holds(s.key()) ? was.original() : p.before().get(s.key());
            ResourceKind kind = kinds.get(s.key().kind());
            String print = now.isEmpty() ? null
                    : kind.shared() ? sharedPrints.computeIfAbsent(s.key(), k -> Optional.ofNullable(kind.fingerprint(k, after))).orElse(null)
                    : kind.fingerprint(s.key(), after);
            Records.Entry e = new Records.Entry(s.key(), original, now, print);
            (kind.shared() ? shared : entries).put(s.key(), e);
        }
        // a change set without a target is a removal: the persona is gone from this host, record and all;
        // so is a persona of which nothing is left (every key back to its original, or gone with its device)
        boolean gone = p.changes().target() == null || nothingLeft(p.changes(), entries, after);
        return new Outcome(p.ledger().record(gone ? Map.of() : prune(entries), gone ? null : documents.get(p.changes().persona())),
                shared, gone);
    }

    /**
     * The reads the steps' kinds need, each once (a thousand personas' steps need a handful); {@code after}: those
     * that read back what the apply left, without its deletions and the host table's index (read again only
     * where a key's fingerprint needs it).
     */
    private Set<HostView.Read> reads(List<ChangeSet> changeSets, boolean after) {
        Set<HostView.Read> out = new java.util.LinkedHashSet<>();
        for (ChangeSet cs : changeSets) {
            for (Step st : cs.steps()) {
                if (!after || !(st instanceof Step.Delete)) {
                    addReads(st.key(), after, out);
                }
            }
        }
        return out;
    }

    private void addReads(Resource.Key key, boolean after, Set<HostView.Read> out) {
        for (HostView.Read r : kinds.get(key.kind()).reads(key)) {
            if (!after || !(r instanceof HostView.Read.NftIndexed)) {
                out.add(r);
            }
        }
    }

    /** One change set of an applyAll, with its records and the state of its keys before. */
    private record Pending(ChangeSet changes, Ledger ledger, Map<Resource.Key, Optional<Resource>> before) {}

    /** The steps of all change sets, each key once; two personas asking different things of one key is a bug. */
    private static List<Step> distinct(List<ChangeSet> changeSets) {
        Map<Resource.Key, Step> byKey = new LinkedHashMap<>();
        for (ChangeSet cs : changeSets) {
            for (Step s : cs.steps()) {
                Step other = byKey.putIfAbsent(s.key(), s);
                if (other != null && other != s && !other.equals(s)) {
                    throw new IllegalArgumentException("two change sets change " + s.key() + " differently: "
                            + other + " and " + s);
                }
            }
        }
        return new ArrayList<>(byKey.values());
    }

    /**
     * Puts every key back to its state before a failed or interrupted apply; returns what still differs.
     * A key is read as if the apply had left it at its target (or had not touched it), so that what the
     * apply made is found also where the kernel's form alone does not say whose it is.
     */
    private List<String> restore(Map<Resource.Key, Optional<Resource>> before, Map<Resource.Key, Optional<Resource>> target) {
        Map<Resource.Key, Records.Entry> entries = new TreeMap<>();
        before.forEach((k, was) -> entries.put(k, new Records.Entry(k, was, target.getOrDefault(k, Optional.empty()), null)));
        HostView view = new HostView(commands);
        List<Step> back = new ArrayList<>();
        before.forEach((k, was) -> Reconciler.step(read(k, view, entries.get(k)), was).ifPresent(back::add));
        runner.run(reconciler.render(reconciler.ordered(back)), true);
        HostView check = new HostView(commands);
        List<String> residue = new ArrayList<>();
        before.forEach((k, was) -> {
            Optional<Resource> now = read(k, check, entries.get(k));
            if (!now.equals(was)) {
                residue.add(k + " is " + now.map(r -> r.attributes().toString()).orElse("absent")
                        + ", was " + was.map(r -> r.attributes().toString()).orElse("absent"));
            }
        });
        return residue;
    }

    /** Entries whose state is back to the original are no longer anybody's. */
    private static Map<Resource.Key, Records.Entry> prune(Map<Resource.Key, Records.Entry> entries) {
        Map<Resource.Key, Records.Entry> out = new TreeMap<>(entries);
        out.values().removeIf(e -> e.applied().equals(e.original()));
        return out;
    }

    private static Optional<Resource> target(Step s) {
        return switch (s) {
            case Step.Create c -> Optional.of(c.resource());
            case Step.Modify m -> Optional.of(m.to());
            case Step.Delete d -> Optional.empty();
        };
    }

    /**
     * The last document written for each persona name, with the persona it was written from: a persona
     * applied again as it was (a host re-applying its set, a drift put right) is not written anew.
     */
    private final Map<String, Map.Entry<Persona, String>> written = new java.util.concurrent.ConcurrentHashMap<>();

    /** A persona document in the form records keep it ({@link Ledger#document}). */
    private String document(Persona persona) {
        Map.Entry<Persona, String> last = written.get(persona.name());
        if (last != null && last.getKey().equals(persona)) {
            return last.getValue();
        }
        String text = Ledger.document(persona);
        written.put(persona.name(), Map.entry(persona, text));
        return text;
    }

    /** A key's state now, read by its kind. */
    Optional<Resource> read(Resource.Key key, HostView view, Records.Entry entry) {
        ResourceKind kind = kinds.get(key.kind());
        if (kind == null) {
            throw new IllegalStateException("unknown resource kind " + key.kind() + " in the record of " + key);
        }
        return kind.read(key, view, entry);
    }

    /** A recorded persona document (JSON; YAML in records written before JSON was used). */
    static Persona document(String text) {
        return PersonaCodec.read(text, PersonaCodec.Format.detect("", text));
    }
}
