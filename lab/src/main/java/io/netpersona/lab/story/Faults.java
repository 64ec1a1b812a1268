package io.netpersona.lab.story;

import io.netpersona.engine.Engine;
import io.netpersona.engine.EngineSettings;
import io.netpersona.engine.Journal;
import io.netpersona.engine.JournalEntry;
import io.netpersona.engine.Outcome;
import io.netpersona.engine.SignalSource;
import io.netpersona.engine.SqliteJournal;
import io.netpersona.engine.StepResult;
import io.netpersona.engine.VirtualThreadScheduler;
import io.netpersona.lab.LabException;
import io.netpersona.lab.Site;
import io.netpersona.lab.report.LabReport;
import io.netpersona.lab.traffic.AppProcess;
import io.netpersona.lab.traffic.AppResult;
import io.netpersona.lab.traffic.TrafficApp;
import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.model.Qos;
import io.netpersona.model.Rate;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The story's second half: the adaptation engine runs for every application (the five learned personas and
 * the load's) while three faults come and go, each in a phase of its own with the clients running:
 * <ol>
 *   <li>{@code loss}: random loss on site-a's path while the load's bulk flow runs on the host's default
 *       congestion control (cubic collapses under loss, LAB.md); expected: BBR, and the throughput back;
 *   <li>{@code congestion}: a new bulk job fills the uplink next to everything else; expected: the classes'
 *       bandwidth rebalanced by the engine where one is saturated, and the game's latency untouched;
 *   <li>{@code harmful-change}: a 2 Mbit/s ceiling forced onto the backup; expected: detected on its
 *       throughput and reverted.
 * </ol>
 */
final class Faults {
    /** The loss threshold of every persona: above what a loaded machine shows by itself, below the injected fault. */
    static final double LOSS_THRESHOLD_PCT = 1.5;
    static final String LOSS = "loss", CONGESTION = "congestion", HARM = "harmful-change";

    private final LabStory story;
    private final List<Persona> learned;
    private final List<Window> windows = new ArrayList<>();
    private SqliteJournal journal;
    private Engine engine;

    /** A fault: what, against which application, from its onset to the end of its phase; {@code entry} for a forced change. */
    record Window(String kind, String target, long onsetMillis, long endMillis, String entry) {}

    Faults(LabStory story, List<Persona> learned) {
        this.story = story;
        this.learned = List.copyOf(learned);
    }

    List<LabReport.Event> run() {
        journal = story.track(SqliteJournal.open(story.options.outDir().resolve("journal.db")));
        VirtualThreadScheduler scheduler = story.track(new VirtualThreadScheduler());
        // observe every second: a fault is answered within about two observations and one apply; a margin of 30%
        // against the noise of a shared machine (the judge itself is proven in the engine's tests)
        engine = story.track(new Engine(story.substrate, SignalSource.none(), journal, Clock.systemUTC(), scheduler,
                EngineSettings.defaults().withInterval(Duration.ofSeconds(1)).withNoiseMargin(0.3)));
        Persona load = loadPersona();
        story.substrate.apply(story.substrate.plan(story.substrate.observe(load), load));
        List<Persona> all = new ArrayList<>(learned);
        all.add(load);
        for (Persona p : all) {
            engine.manage(p);
            engine.start(p.name());
        }
        story.progress("engine: running for %s (observe every 1 s, verify over %d s)", engine.apps(), story.options.verifyWindow().toSeconds());
        loss();
        congestion();
        harm();
        engine.close();
        return new Events(story, journal.list(Journal.Query.all())).of(windows);
    }

    /**
     * The load as an operator would put a job nobody learned under the engine: the host's defaults (cubic), a
     * bulk class so that it is judged on its throughput, and the same thresholds as the learned ones.
     */
    private Persona loadPersona() {
        return PersonaCodec.readYaml("""
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: %s, version: 1}
                spec:
                  app: {netns: %s}
                  trafficClass: bulk
                  tcp: {congestionControl: cubic}
                  adaptation: {lossMediumPct: %s, verifyWindow: %ds, cooldown: 5m, mode: apply}
                """.formatted(StoryApp.LOAD, story.lab.layout().app(Site.A, StoryApp.LOAD), LOSS_THRESHOLD_PCT,
                story.options.verifyWindow().toSeconds()));
    }

    private void loss() {
        double pct = story.options.lossPercent();
        story.progress("FAULT loss: %.0f%% random loss on site-a's path; the load's bulk flow on cubic, the game next to it", pct);
        List<StoryApp> apps = apps("arena", StoryApp.LOAD);
        Map<String, AppProcess> running = story.startClients(apps, story.options.fault());
        sleep(story.options.settle());
        long onset = System.currentTimeMillis();
        story.lab.setLoss(Site.A, pct);
        try {
            Map<String, AppResult> r = story.results(running);
            story.record(LOSS, apps, r);
        } finally {
            story.lab.setLoss(Site.A, 0);
        }
        windows.add(new Window(LOSS, StoryApp.LOAD, onset, System.currentTimeMillis(), null));
    }

    private void congestion() {
        story.progress("FAULT congestion: a new bulk job (8 streams) joins the uplink next to every application");
        List<StoryApp> apps = StoryApp.all();
        Map<String, AppProcess> running = story.startClients(apps, story.options.fault());
        sleep(story.options.settle());
        long onset = System.currentTimeMillis();
        StoryApp load = apps(StoryApp.LOAD).getFirst();
        InetSocketAddress server = new InetSocketAddress(load.address(story.lab.layout()).getAddress(), 9000);
        AppProcess job = story.track(TrafficApp.bulkClients(server, 8).start(story.lab.layout().client(1),
                story.options.fault().minus(story.options.settle())));
        story.record(CONGESTION, apps, story.results(running));
        try {
            job.awaitResult();
        } finally {
            job.close();
            story.untrack(job);
        }
        windows.add(new Window(CONGESTION, "arena", onset, System.currentTimeMillis(), null));
    }

    private void harm() {
        story.progress("FAULT harmful change: a 2 Mbit/s ceiling forced onto the backup");
        List<StoryApp> apps = StoryApp.measured();
        Map<String, AppProcess> running = story.startClients(apps, story.options.fault());
        sleep(story.options.settle());
        long onset = System.currentTimeMillis();
        StepResult forced = force();
        story.progress("  engine.force backup: %s", forced.summary());
        Optional<JournalEntry> verdict = awaitVerdict(forced.entryId(), story.options.verifyWindow().plusSeconds(8));
        verdict.ifPresent(e -> story.progress("  verdict: %s (%s)", e.outcome().text(), e.outcomeReason()));
        story.record(HARM, apps, story.results(running));
        windows.add(new Window(HARM, "backup", onset, System.currentTimeMillis(), forced.entryId()));
    }

    /** Forces the ceiling; waits out a change of the backup under verification (force refuses to cut into one). */
    private StepResult force() {
        long until = System.currentTimeMillis() + story.options.verifyWindow().toMillis() + 5000;
        while (true) {
            Persona now = engine.current("backup").orElseThrow();
            Qos q = now.spec().qos();
            Persona throttled = now.withSpec(now.spec().withQos(new Qos(q == null ? null : q.priority(), q == null ? null : q.dscp(),
                    Rate.mbit(1), Rate.mbit(2), q == null ? null : q.burst())));
            try {
                return engine.force("backup", throttled, "a 2 Mbit/s ceiling on the backup, as an operator's mistake would");
            } catch (IllegalStateException e) {
                if (System.currentTimeMillis() > until) {
                    throw new LabException("the backup stayed under verification; the harmful change could not be forced: " + e.getMessage(), e);
                }
                sleep(Duration.ofMillis(500));
            }
        }
    }

    private Optional<JournalEntry> awaitVerdict(String id, Duration limit) {
        long until = System.currentTimeMillis() + limit.toMillis();
        while (System.currentTimeMillis() < until) {
            Optional<JournalEntry> e = journal.list(new Journal.Query("backup", null, Integer.MAX_VALUE)).stream()
                    .filter(x -> x.id().equals(id)).findFirst();
            if (e.isPresent() && e.get().outcome() != Outcome.PENDING) {
                return e;
            }
            sleep(Duration.ofMillis(200));
        }
        story.notes.add("the verdict on the forced change was not in within " + limit.toSeconds() + " s");
        return Optional.empty();
    }

    private static List<StoryApp> apps(String... names) {
        List<String> wanted = List.of(names);
        return StoryApp.all().stream().filter(a -> wanted.contains(a.name())).toList();
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted", e);
        }
    }
}
