package io.netpersona.substrate.linux;

import io.netpersona.model.Persona;
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
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

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
    private Capabilities capabilities;

    public LinuxSubstrate(Commands commands, Path stateDir, HostPicture picture, Clock clock) {
        this.commands = commands;
        this.records = new Records(stateDir);
        this.picture = picture;
        this.clock = clock;
        for (ResourceKind k : List.<ResourceKind>of(new LinkMtuKind(), new FileKind(), new IfbLinkKind(), new HtbRootKind(),
                new HtbClassKind(), new U32DstFilterKind(), new IngressRedirectKind(), new NftTableKind())) {
            kinds.put(k.name(), k);
        }
        compilers.add(new MtuCompiler());
        compilers.add(new DnsCompiler());
        compilers.add(new QosCompiler(picture, this::capabilities));
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
        HostView view = new HostView(commands);
        Ledger ledger = Ledger.load(records, kinds, persona.name());
        Desired desired = compile(persona, view);
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
        Metrics metrics = QueueMetrics.into(Metrics.none(clock.millis()), view, actual.keySet());
        return new Observation(persona.name(), actual, drift, metrics);
    }

    @Override
    public ChangeSet plan(Observation actual, Persona desiredPersona) {
        HostView view = new HostView(commands);
        Desired desired = compile(desiredPersona, view);
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
                .forEach(e -> Reconciler.step(Optional.ofNullable(actual.actual().get(e.key())), e.original())
                        .ifPresent(steps::add));
        steps.addAll(ledger.releases(desired.resources().keySet(), k -> read(k, view, ledger.entry(k))));
        return new ChangeSet(desiredPersona.name(), reconciler.ordered(steps));
    }

    @Override
    public ChangeSet planRemoval(String personaName) {
        HostView view = new HostView(commands);
        List<Step> steps = new ArrayList<>();
        Ledger ledger = Ledger.load(records, kinds, personaName);
        for (Records.Entry e : ledger.own().values()) {
            Reconciler.step(read(e.key(), view, e), e.original()).ifPresent(steps::add);
        }
        steps.addAll(ledger.releases(Set.of(), k -> read(k, view, ledger.entry(k))));
        return new ChangeSet(personaName, reconciler.ordered(steps));
    }

    @Override
    public Applied apply(ChangeSet changes) {
        HostView view = new HostView(commands);
        Ledger ledger = Ledger.load(records, kinds, changes.persona());
        Map<Resource.Key, Optional<Resource>> before = new TreeMap<>();
        for (Step s : changes.steps()) {
            before.put(s.key(), read(s.key(), view, ledger.entry(s.key())));
        }
        // write-ahead: a crash from here on still knows what to put back
        Map<Resource.Key, Records.Entry> entries = ledger.entries();
        before.forEach((k, v) -> entries.putIfAbsent(k, new Records.Entry(k, v, v, null)));
        ledger.save(entries);

        List<Step> ordered = reconciler.ordered(changes.steps());
        Optional<BatchRunner.Failure> failure = runner.run(reconciler.render(ordered), false);
        if (failure.isPresent()) {
            List<String> residue = restore(before, entries);
            ledger.save(prune(entries));
            throw new ApplyFailedException(failure.get().step(), failure.get().reason(), residue.isEmpty(),
                    String.join("; ", residue));
        }
        HostView after = new HostView(commands);
        for (Step s : changes.steps()) {
            Records.Entry old = entries.get(s.key());
            Optional<Resource> now = target(s);
            ResourceKind kind = kinds.get(s.key().kind());
            entries.put(s.key(), new Records.Entry(s.key(), old.original(), now,
                    now.isPresent() ? kind.fingerprint(s.key(), after) : null));
        }
        ledger.save(prune(entries));
        return new Applied(changes, before, clock.millis());
    }

    @Override
    public void revert(Applied applied) {
        HostView view = new HostView(commands);
        Ledger ledger = Ledger.load(records, kinds, applied.changes().persona());
        List<Step> steps = new ArrayList<>();
        applied.before().forEach((key, was) -> Reconciler.step(read(key, view, ledger.entry(key)), was).ifPresent(steps::add));
        apply(new ChangeSet(applied.changes().persona(), steps));
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

    /** Puts every key back to its state before the failed apply; returns what still differs. */
    private List<String> restore(Map<Resource.Key, Optional<Resource>> before, Map<Resource.Key, Records.Entry> entries) {
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

    /** Entries whose state is back to the original are no longer the persona's. */
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

    /** The problems a persona has on this host (for callers that check before planning). */
    public List<Problem> check(Persona persona) {
        return compile(persona, new HostView(commands)).problems();
    }
}
