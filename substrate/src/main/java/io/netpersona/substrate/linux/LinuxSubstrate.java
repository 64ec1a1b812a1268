package io.netpersona.substrate.linux;

import io.netpersona.model.Persona;
import io.netpersona.model.Problem;
import io.netpersona.substrate.Applied;
import io.netpersona.substrate.Capabilities;
import io.netpersona.substrate.ChangeSet;
import io.netpersona.substrate.InvalidRequestException;
import io.netpersona.substrate.Metrics;
import io.netpersona.substrate.Observation;
import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import io.netpersona.substrate.Substrate;
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
    private final Transaction transaction;
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
        this.transaction = new Transaction(commands, records, kinds, runner, snapshots, clock);
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
     * The step that puts a key back as it was before the persona touched it. None for a key that is gone:
     * what the persona made is gone already, and what it changed went with its device or namespace (a
     * route the kernel dropped when its link went down) and would be gone just the same without the
     * persona; writing it back would fail, or make something its owner no longer has.
     */
    private static Optional<Step> putBack(Optional<Resource> now, Records.Entry e) {
        return now.isEmpty() ? Optional.empty() : Reconciler.step(now, e.original());
    }

    /**
     * Applies several personas' change sets as one transaction, in one batch per tool and namespace: the
     * way to realise many personas at once (a host starting up, a benchmark). All or nothing: on failure
     * every key of every change set is put back, and no record changes. See {@link Transaction}.
     */
    public List<Applied> applyAll(List<ChangeSet> changeSets) {
        return transaction.applyAll(changeSets);
    }

    /**
     * Undoes an apply that a crash cut short, if the records have one: every key back to its state before
     * (the records never changed). Runs before any other operation on the state folder.
     */
    public void recover() {
        transaction.recover();
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
        return transaction.read(key, view, entry);
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

    /** Whether later applies send a host table's elements over nf_tables netlink (the default) or to {@code nft -f}. */
    public void nftOverNetlink(boolean on) {
        runner.nftOverNetlink(on);
    }

    /** Where the last {@link #applyAll} (or {@link #apply}) spent its time. */
    public Timings lastApplyTimings() {
        return transaction.timings();
    }

    /** The persona last applied under that name on this machine, if any. */
    public Optional<Persona> applied(String personaName) {
        return records.exclusive(() -> {
            return records.load(personaName).map(Records.Record::document).filter(java.util.Objects::nonNull)
                    .map(Transaction::document);
        });
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
