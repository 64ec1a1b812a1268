package io.netpersona.substrate.linux;

import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.model.Problem;
import io.netpersona.substrate.Applied;
import io.netpersona.substrate.ApplyFailedException;
import io.netpersona.substrate.Capabilities;
import io.netpersona.substrate.ChangeSet;
import io.netpersona.substrate.InvalidRequestException;
import io.netpersona.substrate.Metrics;
import io.netpersona.substrate.Observation;
import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import io.netpersona.substrate.Substrate;
import io.netpersona.substrate.SubstrateException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.HashSet;
import java.util.Set;

/**
 * The Linux substrate: realises personas with network namespaces, tc, nftables, ip and resolv.conf, in
 * batches, reading state back as JSON. See DESIGN.md ("Substrate SPI", the Linux mapping table).
 *
 * <p>Not thread-safe: the caller serialises operations per machine (one lane per application).
 */
public final class LinuxSubstrate implements Substrate {
    /** Where persona records live by default: under /run, emptied on reboot together with the kernel state. */
    public static final Path DEFAULT_STATE = Path.of("/run/netpersona/host");

    private final Commands commands;
    private final Records records;
    private final HostPicture picture;
    private final Clock clock;
    private final Map<String, ResourceKind> kinds = new LinkedHashMap<>();
    private final List<FieldCompiler> compilers = new ArrayList<>();
    private final Reconciler reconciler;
    private final BatchRunner runner;
    /** nft tables as a plan listed them, for the apply after it (state reads only, never metrics). */
    private final NftSnapshots snapshots = new NftSnapshots();
    private Capabilities capabilities;

    public LinuxSubstrate(Commands commands, Path stateDir, HostPicture picture, Clock clock) {
        this.commands = commands;
        this.records = new Records(stateDir);
        this.picture = picture;
        this.clock = clock;
        for (ResourceKind k : List.<ResourceKind>of(new LinkMtuKind(), new FileKind(), new NftTableKind(),
                new HostTableKind(), new HostEntriesKind(), new IfbLinkKind(), new HtbRootKind(), new HtbClassKind(),
                new U32DstFilterKind(), new IngressRedirectKind())) {
            kinds.put(k.name(), k);
        }
        for (ResourceKind k : List.<ResourceKind>of(new LinkKind(LinkKind.Type.BRIDGE), new LinkKind(LinkKind.Type.VETH),
                new SysctlKind(), new RouteKind(), new RuleKind())) {
            kinds.put(k.name(), k);
        }
        compilers.add(new MtuCompiler());
        compilers.add(new DnsCompiler());
        compilers.add(new FirewallCompiler());
        compilers.add(new HostEntriesCompiler());
        compilers.add(new QosCompiler(picture, this::capabilities)); // after FirewallCompiler: it may add to its table
        // topology and routing add routes that congestion control then tunes: keep these three in this order
        compilers.add(new TopologyCompiler());
        compilers.add(new RoutingCompiler(records::load));
        compilers.add(new CongestionCompiler(this::capabilities));
        this.reconciler = new Reconciler(kinds);
        this.runner = new BatchRunner(commands);
    }

    public static LinuxSubstrate onThisHost(HostPicture picture) {
        return new LinuxSubstrate(new Commands(), DEFAULT_STATE, picture, Clock.systemUTC());
    }

    @Override
    public String name() {
        return "linux";
    }

    @Override
    public Capabilities capabilities() {
        if (capabilities == null) {
            capabilities = new Probe(commands).run();
        }
        return capabilities;
    }

    @Override
    public Observation observe(Persona persona) {
        return observe(persona, true);
    }

    /** The persona's state here without sampling metrics: what planning needs, at a fraction of the cost. */
    @Override
    public Observation observeState(Persona persona) {
        return observe(persona, false);
    }

    private Observation observe(Persona persona, boolean withMetrics) {
        return records.exclusive(() -> {
            recover();
            return observe(persona, withMetrics, withMetrics ? new HostView(commands) : new HostView(commands, snapshots));
        });
    }

    private Observation observe(Persona persona, boolean withMetrics, HostView view) {
        return observe(persona, withMetrics, view, compile(persona, view));
    }

    /** The observation of the keys {@code desired} names and the persona's record holds. */
    private Observation observe(Persona persona, boolean withMetrics, HostView view, Desired desired) {
        Ledger ledger = Ledger.load(records, kinds, persona.name());
        TreeSet<Resource.Key> keys = new TreeSet<>(desired.resources().keySet());
        keys.addAll(ledger.own().keySet());
        Map<Resource.Key, Resource> actual = new TreeMap<>();
        List<String> drift = new ArrayList<>();
        for (Resource.Key key : keys) {
            Records.Entry entry = ledger.entry(key);
            Optional<Resource> now = read(key, view, entry);
            now.ifPresent(r -> actual.put(key, r));
            if (ledger.holds(key) && !now.equals(entry.applied())) {
                drift.add(key + ": " + (now.isEmpty() ? "gone" : entry.applied().isEmpty() ? "came back"
                        : "changed " + new Step.Modify(entry.applied().get(), now.get()).toString().substring(2)));
            }
        }
        Metrics metrics = withMetrics
                ? QueueMetrics.into(new MetricsReader().read(persona, view, clock.millis(), actual.keySet(),
                        k -> addresses(actual.get(k))), view, actual.keySet())
                : Metrics.none(clock.millis());
        return new Observation(persona.name(), actual, drift, metrics);
    }

    private static List<String> addresses(Resource r) {
        String a = r == null ? "" : r.attributes().getOrDefault("addresses", "");
        return a.isEmpty() ? List.of() : List.of(a.split(","));
    }

    /**
     * The metrics of many applied personas from one reading of the host, without their state or drift:
     * what a sampler asks every second. Each read is made once for all (a host's table with every
     * element's counters, a device's classes) and the reads are made at once; an application in its own
     * namespace costs its own two (its sockets and its devices). Personas with no record here are left out.
     */
    @Override
    public Map<String, Metrics> sample(List<Persona> personas) {
        return records.exclusive(() -> {
            recover();
            HostView view = new HostView(commands);
            Map<String, Map<Resource.Key, Resource>> applied = new LinkedHashMap<>();
            List<HostView.Read> reads = new ArrayList<>();
            for (Persona p : personas) {
                Optional<Records.Record> r = records.load(p.name());
                if (r.isEmpty()) {
                    continue;
                }
                Map<Resource.Key, Resource> keys = new TreeMap<>();
                r.get().entries().values().forEach(e -> e.applied().ifPresent(a -> keys.put(e.key(), a)));
                applied.put(p.name(), keys);
                for (Resource.Key k : keys.keySet()) {
                    if (k.kind().equals(HostEntriesKind.KIND)) {
                        reads.addAll(kinds.get(k.kind()).reads(k));
                    } else if (k.kind().equals(HtbClassKind.KIND)) {
                        reads.add(new HostView.Read.Queues(k.scope(), HtbClassKind.device(k))); // counters, not state
                    }
                }
                String ns = p.spec().app().netns();
                if (ns != null) {
                    reads.add(new HostView.Read.Sockets(ns));
                    reads.add(new HostView.Read.LinkStats(ns));
                }
            }
            view.prefetch(reads);
            Map<String, Metrics> out = new LinkedHashMap<>();
            long now = clock.millis();
            for (Persona p : personas) {
                Map<Resource.Key, Resource> keys = applied.get(p.name());
                if (keys != null) {
                    out.put(p.name(), QueueMetrics.into(new MetricsReader().read(p, view, now, keys.keySet(),
                            k -> addresses(keys.get(k))), view, keys.keySet()));
                }
            }
            return out;
        });
    }

    @Override
    public ChangeSet plan(Observation actual, Persona desiredPersona) {
        return records.exclusive(() -> {
            recover();
            return plan(actual, desiredPersona, new HostView(commands, snapshots));
        });
    }

    /**
     * Plans several personas against one reading of the host: what a host starting up, or a benchmark,
     * applies with {@link #applyAll}. Each persona's plan is the one {@link #plan} would give it alone;
     * the host's state is read once, not once per persona.
     */
    public List<ChangeSet> planAll(List<Persona> personas) {
        return records.exclusive(() -> {
            recover();
            HostView view = new HostView(commands, snapshots);
            // each application's addresses are a process in its namespace: make them at once, not one by one
            view.prefetch(personas.stream().map(p -> p.spec().app().netns()).filter(java.util.Objects::nonNull)
                    .filter(view::namespaceExists).map(ns -> (HostView.Read) new HostView.Read.Addresses(ns)).toList());
            List<ChangeSet> out = new ArrayList<>();
            for (Persona p : personas) {
                Desired desired = compile(p, view); // once for the observation and the plan
                out.add(plan(observe(p, false, view, desired), p, view, desired));
            }
            return out;
        });
    }

    private ChangeSet plan(Observation actual, Persona desiredPersona, HostView view) {
        return plan(actual, desiredPersona, view, compile(desiredPersona, view));
    }

    private ChangeSet plan(Observation actual, Persona desiredPersona, HostView view, Desired desired) {
        if (!desired.problems().isEmpty()) {
            throw new InvalidRequestException(desired.problems());
        }
        List<Step> steps = new ArrayList<>();
        for (Resource r : desired.resources().values()) {
            Reconciler.step(Optional.ofNullable(actual.actual().get(r.key())), Optional.of(r)).ifPresent(steps::add);
        }
        // what the persona set before and no longer asks for goes back to how it was
        Ledger ledger = Ledger.load(records, kinds, desiredPersona.name());
        ledger.own().values().stream()
                .filter(e -> !desired.resources().containsKey(e.key()))
                .forEach(e -> putBack(Optional.ofNullable(actual.actual().get(e.key())), e).ifPresent(steps::add));
        steps.addAll(ledger.releases(desired.resources().keySet(), k -> read(k, view, ledger.entry(k))));
        return new ChangeSet(desiredPersona.name(), reconciler.ordered(steps), desiredPersona);
    }

    @Override
    public ChangeSet planRemoval(String personaName) {
        return records.exclusive(() -> {
            recover();
            HostView view = new HostView(commands, snapshots);
            List<Step> steps = new ArrayList<>();
            Ledger ledger = Ledger.load(records, kinds, personaName);
            for (Records.Entry e : ledger.own().values()) {
                putBack(read(e.key(), view, e), e).ifPresent(steps::add);
            }
            steps.addAll(ledger.releases(Set.of(), k -> read(k, view, ledger.entry(k))));
            return new ChangeSet(personaName, reconciler.ordered(steps));
        });
    }

    /**
     * Removals of several personas planned together, to apply with {@link #applyAll}: the parts they share
     * with each other (an HTB root, the host's table) go with them when no other persona uses them.
     */
    public List<ChangeSet> planRemovals(List<String> personaNames) {
        return records.exclusive(() -> {
            recover();
            HostView view = new HostView(commands, snapshots);
            Ledger.Leaving leaving = new Ledger.Leaving(records, new HashSet<>(personaNames), Set.of());
            Set<Resource.Key> released = new HashSet<>();
            List<ChangeSet> out = new ArrayList<>();
            for (String name : personaNames) {
                Ledger ledger = Ledger.load(records, kinds, name);
                List<Step> steps = new ArrayList<>();
                for (Records.Entry e : ledger.own().values()) {
                    putBack(read(e.key(), view, e), e).ifPresent(steps::add);
                }
                for (Step s : ledger.releases(k -> read(k, view, ledger.entry(k)), leaving)) {
                    if (released.add(s.key())) {
                        steps.add(s);
                    }
                }
                out.add(new ChangeSet(name, reconciler.ordered(steps)));
            }
            return out;
        });
    }

    @Override
    public Applied apply(ChangeSet changes) {
        return applyAll(List.of(changes)).getFirst();
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
    public List<Applied> applyAll(List<ChangeSet> changeSets) {
        return records.exclusive(() -> {
            recover();
            records.checkReservations();
            HostView view = new HostView(commands, snapshots);
            view.prefetch(changeSets.stream().flatMap(cs -> cs.steps().stream())
                    .flatMap(st -> kinds.get(st.key().kind()).reads(st.key()).stream()).toList());
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
            // the journal is written while the batches are made; the kernel is touched only once it is on disk
            Concurrently.Result<Void> journal = Concurrently.start(() -> records.begin(new Records.Journal(before, target)));
            Batches batches;
            try {
                batches = reconciler.render(reconciler.ordered(distinct(changeSets)));
            } finally {
                journal.join();
            }
            // what the records need besides the state read back is made while the processes run
            Concurrently.Result<Optional<BatchRunner.Failure>> running = Concurrently.supply(() -> runner.run(batches, false));
            Map<String, String> documents = new java.util.HashMap<>();
            for (Pending p : pending) {
                if (p.changes().target() != null) {
                    documents.put(p.changes().persona(), Ledger.document(p.changes().target()));
                }
            }
            Optional<BatchRunner.Failure> failure = running.join();
            if (failure.isPresent()) {
                List<String> residue = restore(before, target);
                records.abort();
                throw new ApplyFailedException(failure.get().step(), failure.get().reason(), residue.isEmpty(),
                        String.join("; ", residue));
            }
            HostView after = new HostView(commands);
            after.prefetch(pending.stream().flatMap(p -> p.changes().steps().stream())
                    .filter(st -> !(st instanceof Step.Delete)).flatMap(st -> kinds.get(st.key().kind()).reads(st.key()).stream())
                    .filter(r -> !(r instanceof HostView.Read.NftIndexed)).toList());
            // each change set's records from the state read back, at once on the cores there are (a thousand fingerprints)
            List<Outcome> outcomes = pending.parallelStream().map(p -> outcome(p, after, documents)).toList();
            List<Applied> applied = new ArrayList<>();
            List<Records.Record> written = new ArrayList<>();
            // the host's shared resources: one record for all change sets, written once below
            Map<Resource.Key, Records.Entry> shared = new TreeMap<>(Ledger.shared(records));
            for (int i = 0; i < pending.size(); i++) {
                Pending p = pending.get(i);
                Outcome o = outcomes.get(i);
                shared.putAll(o.shared());
                written.add(o.record());
                applied.add(new Applied(p.changes(), p.before(), previousDocument(p.changes().persona(), p.ledger()), clock.millis()));
                if (o.gone()) {
                    lastApplied.remove(p.changes().persona());
                } else {
                    lastApplied.put(p.changes().persona(), p.changes().target());
                }
            }
            written.add(Ledger.sharedRecord(prune(shared)));
            records.saveAll(written); // ends the journal
            return applied;
        });
    }

    /**
     * Undoes an apply that a crash cut short, if the records have one: every key back to its state before
     * (the records never changed). Runs before any other operation on the state folder.
     */
    public void recover() {
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
    private Outcome outcome(Pending p, HostView after, Map<String, String> documents) {
        Map<Resource.Key, Records.Entry> entries = new TreeMap<>(p.ledger().own());
        Map<Resource.Key, Records.Entry> shared = new TreeMap<>();
        for (Step s : p.changes().steps()) {
            Optional<Resource> now = target(s);
            Records.Entry was = p.ledger().entry(s.key());
            Optional<Resource> original = p.ledger().holds(s.key()) ? was.original() : p.before().get(s.key());
            ResourceKind kind = kinds.get(s.key().kind());
            Records.Entry e = new Records.Entry(s.key(), original, now, now.isPresent() ? kind.fingerprint(s.key(), after) : null);
            (kind.shared() ? shared : entries).put(s.key(), e);
        }
        // a change set without a target is a removal: the persona is gone from this host, record and all;
        // so is a persona of which nothing is left (every key back to its original, or gone with its device)
        boolean gone = p.changes().target() == null || nothingLeft(p.changes(), entries, after);
        return new Outcome(p.ledger().record(gone ? Map.of() : prune(entries), gone ? null : documents.get(p.changes().persona())),
                shared, gone);
    }

    /** One change set of an applyAll, with its records and the state of its keys before. */
    private record Pending(ChangeSet changes, Ledger ledger, Map<Resource.Key, Optional<Resource>> before) {}

    /** The steps of all change sets, each key once; two personas asking different things of one key is a bug. */
    private static List<Step> distinct(List<ChangeSet> changeSets) {
        Map<Resource.Key, Step> byKey = new LinkedHashMap<>();
        for (ChangeSet cs : changeSets) {
            for (Step s : cs.steps()) {
                Step other = byKey.putIfAbsent(s.key(), s);
                if (other != null && !other.equals(s)) {
                    throw new IllegalArgumentException("two change sets change " + s.key() + " differently: "
                            + other + " and " + s);
                }
            }
        }
        return new ArrayList<>(byKey.values());
    }

    /**
     * The step that puts a key back as it was before the persona touched it. None for a key that is gone:
     * what the persona made is gone already, and what it changed went with its device or namespace (a
     * route the kernel dropped when its link went down) and would be gone just the same without the
     * persona; writing it back would fail, or make something its owner no longer has.
     */
    private static Optional<Step> putBack(Optional<Resource> now, Records.Entry e) {
        return now.isEmpty() ? Optional.empty() : Reconciler.step(now, e.original());
    }

    @Override
    public void revert(Applied applied) {
        records.exclusive(() -> {
            recover();
            HostView view = new HostView(commands);
            Ledger ledger = Ledger.load(records, kinds, applied.changes().persona());
            List<Step> steps = new ArrayList<>();
            applied.before().forEach((key, was) -> Reconciler.step(read(key, view, ledger.entry(key)), was).ifPresent(steps::add));
            apply(new ChangeSet(applied.changes().persona(), steps, applied.previous()));
        });
    }

    /** The numbers and place of a persona's application, after checking that it can be found here. */
    private Desired compile(Persona persona, HostView view) {
        Desired out = new Desired();
        String scope = persona.spec().app().netns() == null ? "" : persona.spec().app().netns();
        if (!view.namespaceExists(scope)) {
            out.problem("spec.app.netns", scope + " (expected: an existing network namespace; ip netns list shows the ones here)");
            return out;
        }
        AppContext app = new AppContext(persona.name(), scope, picture.hostOf(scope),
                AppContext.Ids.of(records.allocate(persona.name())));
        for (FieldCompiler c : compilers) {
            c.compile(persona, app, view, out);
        }
        return out;
    }

    private Optional<Resource> read(Resource.Key key, HostView view, Records.Entry entry) {
        ResourceKind kind = kinds.get(key.kind());
        if (kind == null) {
            throw new IllegalStateException("unknown resource kind " + key.kind() + " in the record of " + key);
        }
        return kind.read(key, view, entry);
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
     * Makes every later apply run each command as its own process instead of in batches, as a script of
     * separate {@code tc}, {@code ip} and {@code nft} calls would. Slower by far; for comparisons only.
     */
    public void applyOnePerCommand(boolean on) {
        runner.onePerCommand(on);
    }

    /**
     * Whether later applies send tc batches over rtnetlink where they can (the default; {@code
     * -Dnetpersona.netlink.tc=off} starts with it off) or always to {@code tc -batch}: for comparisons.
     */
    public void tcOverNetlink(boolean on) {
        runner.tcOverNetlink(on);
    }

    /** The persona last applied under that name on this machine, if any. */
    public Optional<Persona> applied(String personaName) {
        return records.exclusive(() -> {
            return records.load(personaName).map(Records.Record::document).filter(java.util.Objects::nonNull)
                    .map(LinuxSubstrate::document);
        });
    }

    /** A recorded persona document (JSON; YAML in records written before JSON was used). */
    private static Persona document(String text) {
        return PersonaCodec.read(text, PersonaCodec.Format.detect("", text));
    }

    /** The names of the personas that have state on this machine. */
    public List<String> personas() {
        return records.exclusive(() -> {
            return records.all().stream().map(Records.Record::persona).filter(n -> !n.equals(Ledger.SHARED)).toList();
        });
    }

    /** The problems a persona has on this host (for callers that check before planning). */
    public List<Problem> check(Persona persona) {
        return records.exclusive(() -> {
            return compile(persona, new HostView(commands)).problems();
        });
    }
}
