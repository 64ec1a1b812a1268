package io.netpersona.lab.story;

import io.netpersona.lab.Lab;
import io.netpersona.lab.LabConfig;
import io.netpersona.lab.LabException;
import io.netpersona.lab.Site;
import io.netpersona.lab.report.LabReport;
import io.netpersona.lab.report.ReportHtml;
import io.netpersona.lab.report.ReportJson;
import io.netpersona.lab.report.ReportTable;
import io.netpersona.lab.traffic.AppProcess;
import io.netpersona.lab.traffic.AppResult;
import io.netpersona.learn.classify.FlowClassifier;
import io.netpersona.learn.live.CaptureTarget;
import io.netpersona.learn.live.LiveLearning;
import io.netpersona.learn.profile.FallbackClassifier;
import io.netpersona.learn.profile.Profile;
import io.netpersona.learn.profile.Selection;
import io.netpersona.learn.synth.PersonaSynthesizer;
import io.netpersona.model.Adaptation;
import io.netpersona.model.AdaptationMode;
import io.netpersona.model.Persona;
import io.netpersona.model.Qos;
import io.netpersona.model.Rate;
import io.netpersona.model.Spec;
import io.netpersona.substrate.linux.Commands;
import io.netpersona.substrate.linux.LinuxSubstrate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code persona lab}: the whole story on a real network of namespaces. Builds the lab, starts a game, a video
 * service, a database, a web service and a backup behind site-a's host (their users on the client hosts),
 * measures each alone (UNLOADED), all together with a competing bulk load filling the uplink and nothing
 * configured (BASELINE), learns every application's persona from a live capture of its own traffic, applies
 * them through the Linux substrate with the lab's host picture (so their classes sit on the uplink where the
 * queue forms), measures again (PERSONA), then runs the adaptation engine for every application through three
 * faults ({@link Faults}). Writes {@code lab-report.json} and {@code lab-report.html}; leaves nothing behind,
 * also after Ctrl-C (a shutdown hook kills what it started and takes the lab down).
 */
public final class LabStory {
    /**
     * The classifier behind the learned classes: the rules of behaviour alone. Measured in this lab, the trained
     * model ({@code FlowClassifier.standard()}; its forest at 0.71 agreement, before the protocol signatures)
     * classed the video service and the database interactive and the backup unknown, which gives the backup a
     * guarantee above the uplink. The rules tell the lab's video (segments asked for, bursts and pauses) as
     * streaming and its web service (a short request and answer per connection) as interactive from behaviour;
     * {@code LearnedPersonaIT} checks them through {@code FallbackClassifier.forLearning()}, which
     * {@code persona learn} uses.
     */
    static final FlowClassifier CLASSIFIER = FallbackClassifier.INSTANCE;

    final StoryOptions options;
    final long startMillis = System.currentTimeMillis();
    final List<AutoCloseable> open = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    final Map<String, Map<String, LabReport.Phase>> phases = new LinkedHashMap<>();
    final Map<String, String> classes = new LinkedHashMap<>();
    private final AtomicBoolean cleaned = new AtomicBoolean();
    Lab lab;
    LinuxSubstrate substrate;
    Path substrateState;
    Timeline timeline;

    private LabStory(StoryOptions options) {
        this.options = options;
        StoryApp.measured().forEach(a -> phases.put(a.name(), new LinkedHashMap<>()));
    }

    /** What a run produced. */
    public record Result(LabReport report, Path json, Path html) {}

    /**
     * Runs the story and writes its report.
     *
     * @throws LabException when not root, or the lab cannot be built; everything started is removed first
     */
    public static Result run(StoryOptions options) {
        Lab.requireRoot("lab");
        LabStory story = new LabStory(options);
        Thread hook = new Thread(story::cleanUp, "lab-story-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return story.tell();
        } finally {
            story.cleanUp();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down (Ctrl-C): the hook runs and finds the work done
            }
        }
    }

    private Result tell() {
        try {
            Files.createDirectories(options.outDir());
            substrateState = Files.createTempDirectory("netpersona-lab-substrate");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + options.outDir() + ": " + e.getMessage(), e);
        }
        progress("lab: building %s (%s mode; results in %s)", options.prefix(), options.mode(), options.outDir());
        LabConfig config = LabConfig.builder().prefix(options.prefix()).stateDir(options.stateDir())
                .apps(Site.A, StoryApp.names()).build();
        lab = Lab.up(config);
        timeline = new Timeline(lab, startMillis, StoryApp.names());
        startServers();

        // the servers' first requests run through a cold JVM: a short warm-up, off the record
        runClients(StoryApp.measured(), Duration.ofSeconds(2));
        progress("UNLOADED: each application alone, %d s each", options.alone().toSeconds());
        for (StoryApp a : StoryApp.measured()) {
            measure(LabReport.UNLOADED, List.of(a), options.alone());
        }
        progress("BASELINE: all together with a bulk load filling the %s uplink, no personas", config.siteA().rate());
        long from = System.currentTimeMillis();
        measure(LabReport.BASELINE, StoryApp.all(), options.phase());
        share(LabReport.BASELINE, from, System.currentTimeMillis());

        List<Persona> personas = new ArrayList<>(learn());
        personas.add(Faults.loadPersona(lab.layout().app(Site.A, StoryApp.LOAD), options.verifyWindow()));
        progress("apply: %d learned personas and the load's default one (bulk class, cubic) through the Linux substrate, "
                + "classes on %s's uplink", personas.size() - 1, lab.layout().host(Site.A));
        substrate = new LinuxSubstrate(new Commands(), substrateState, lab.picture(), Clock.systemUTC());
        substrate.applyAll(substrate.planAll(personas));
        progress("PERSONA: the same load, with the learned personas");
        from = System.currentTimeMillis();
        measure(LabReport.PERSONA, StoryApp.all(), options.phase());
        share(LabReport.PERSONA, from, System.currentTimeMillis());

        List<LabReport.Event> events = new Faults(this, personas).run();
        LabReport report = new LabReport(Instant.ofEpochMilli(startMillis).toString(), options.mode(), apps(), events,
                timeline.series(), notes);
        Path json = options.outDir().resolve("lab-report.json"), html = options.outDir().resolve("lab-report.html");
        ReportJson.write(report, json);
        ReportHtml.write(report, html);
        progress("done: %s, %s", json, html);
        options.progress().accept("\n" + ReportTable.text(report));
        return new Result(report, json, html);
    }

    private void startServers() {
        // every server runs for the whole story; its end is the story's cleanup
        Duration life = Duration.ofMinutes(options.quick() ? 10 : 30);
        List<AppProcess> servers = new ArrayList<>();
        for (StoryApp a : StoryApp.all()) {
            servers.add(track(a.server().make().start(a.namespace(lab.layout()), life)));
        }
        servers.forEach(AppProcess::awaitReady);
        progress("servers: %s listening behind %s", StoryApp.names(), lab.layout().host(Site.A));
    }

    /** Runs the clients of {@code apps} together for {@code d}; records the phase of each measured one. */
    Map<String, AppResult> measure(String phase, List<StoryApp> apps, Duration d) {
        return record(phase, apps, runClients(apps, d));
    }

    Map<String, AppResult> record(String phase, List<StoryApp> apps, Map<String, AppResult> results) {
        for (StoryApp a : apps) {
            AppResult r = results.get(a.name());
            Map<String, LabReport.Phase> byPhase = phases.get(a.name());
            if (byPhase != null && r != null) {
                LabReport.Phase p = a.phase(r);
                byPhase.put(phase, p);
                progress("  %-7s %-12s %s", a.name(), phase, describe(p));
                if (!timeline.perSecond(a.name(), a.latencyKey(), r.metrics()) && p.latencyP99Ms() != null) {
                    timeline.point(a.name(), "p99 latency", "ms", p.latencyP99Ms());
                }
            }
        }
        return results;
    }

    Map<String, AppResult> runClients(List<StoryApp> apps, Duration d) {
        return results(startClients(apps, d));
    }

    Map<String, AppProcess> startClients(List<StoryApp> apps, Duration d) {
        Map<String, AppProcess> running = new LinkedHashMap<>();
        for (StoryApp a : apps) {
            running.put(a.name(), track(a.clientsOf(lab.layout()).start(a.clientNamespace(lab.layout()), d)));
        }
        return running;
    }

    /** Waits for every client run to end by itself and takes its result. */
    Map<String, AppResult> results(Map<String, AppProcess> running) {
        Map<String, AppResult> out = new LinkedHashMap<>();
        running.forEach((name, p) -> {
            out.put(name, p.awaitResult());
            untrack(p);
        });
        return out;
    }

    private List<Persona> learn() {
        progress("LEARN: live capture in each application's namespace for %d s, nothing configured", options.learn().toSeconds());
        Map<StoryApp, LiveLearning> learners = new LinkedHashMap<>();
        try {
            for (StoryApp a : StoryApp.measured()) {
                LiveLearning l = track(LiveLearning.start(new CaptureTarget(a.namespace(lab.layout()), null), Selection.AUTO, CLASSIFIER));
                learners.put(a, l);
            }
            for (LiveLearning l : learners.values()) {
                l.awaitListening(Duration.ofSeconds(15));
            }
            runClients(StoryApp.measured(), options.learn());
            List<Persona> out = new ArrayList<>();
            for (var e : learners.entrySet()) {
                StoryApp a = e.getKey();
                e.getValue().stop();
                Profile profile = e.getValue().profile();
                Persona p = PersonaSynthesizer.synthesize(profile, new PersonaSynthesizer.Request(a.name(), a.namespace(lab.layout()),
                        "live:" + a.namespace(lab.layout()) + " for " + options.learn().toSeconds() + "s", Instant.now()));
                if (p.spec().topology() != null) {
                    // the topology learned here is the application and its users; its members are no namespaces of
                    // this host, so the substrate could not connect them: the persona keeps the rest
                    notes.add(a.name() + ": learned topology " + p.spec().topology().kind().name().toLowerCase(Locale.ROOT)
                            + " left out of the applied persona (its members are the clients, not namespaces on this host)");
                }
                p = p.withSpec(fit(a, p.spec()).withTopology(null).withAdaptation(adaptation(a)));
                String cls = p.spec().trafficClass() == null ? "unknown" : p.spec().trafficClass().name().toLowerCase(Locale.ROOT);
                classes.put(a.name(), cls);
                progress("  %-7s learned %s (confidence %.2f); qos %s", a.name(), cls, profile.trafficClass().confidence(),
                        p.spec().qos() == null ? "none" : "prio " + p.spec().qos().priority() + ", rate " + p.spec().qos().guaranteedRate()
                                + ", ceil " + p.spec().qos().ceilRate());
                out.add(p);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while learning", e);
        } finally {
            learners.values().forEach(l -> {
                l.close();
                untrack(l);
            });
        }
    }

    /**
     * A guaranteed rate the host can give: a busy capture can ask for more than the uplink has, which the substrate
     * refuses (a host cannot guarantee more than it shapes to); the story caps it at half the uplink and says so.
     */
    private Spec fit(StoryApp a, Spec spec) {
        Qos q = spec.qos();
        Rate cap = Rate.ofBitsPerSecond(lab.config().siteA().rate().bitsPerSecond() / 2);
        if (q == null || q.guaranteedRate() == null || q.guaranteedRate().compareTo(cap) <= 0) {
            return spec;
        }
        notes.add(a.name() + ": learned guaranteed rate " + q.guaranteedRate() + " capped at " + cap + ", half the uplink");
        return spec.withQos(new Qos(q.priority(), q.dscp(), cap, q.ceilRate(), q.burst()));
    }

    /**
     * The engine's thresholds for a learned persona: learning says what the application is, not how much
     * worse it may get; the story gives each a loss threshold below the fault it injects and above what a
     * loaded machine shows by itself, and latency applications a ceiling of 4 times their unloaded p99.
     */
    Adaptation adaptation(StoryApp a) {
        Double latencyHigh = null;
        LabReport.Phase alone = phases.get(a.name()).get(LabReport.UNLOADED);
        if (a.measure() == LabReport.Measure.LATENCY && alone != null && alone.latencyP99Ms() != null) {
            latencyHigh = Math.max(100.0, Math.ceil(alone.latencyP99Ms() * 4));
        }
        return new Adaptation(latencyHigh, Faults.LOSS_THRESHOLD_PCT, options.verifyWindow(), Duration.ofMinutes(5), AdaptationMode.APPLY);
    }

    /**
     * The backup's share of what the others left it (the target: at least 90%), from the host's counters
     * over a phase: the uplink's capacity less what the game, video, database and web sent, against what the
     * backup sent; the load competes for the same remainder, so its rate is given too.
     */
    private void share(String phase, long from, long to) {
        double capacity = lab.config().siteA().rate().bitsPerSecond() / 1e6, others = 0;
        Map<String, Double> sent = new LinkedHashMap<>();
        for (StoryApp a : StoryApp.all()) {
            // the seconds in which every client ran: a sample covers the second before it, so the first one counted
            // begins 1.5 s in (the clients' JVMs start and their connections open), and the one holding their end
            // (the phase ends when the last client has) is left out; others and backup count the same seconds
            double mean = timeline.sent(a.name()).stream().filter(p -> p.tMs() > sinceStart(from) + 2500 && p.tMs() <= sinceStart(to) - 1000)
                    .mapToDouble(LabReport.Point::value).average().orElse(0);
            sent.put(a.name(), mean);
            if (!a.name().equals("backup") && !a.name().equals(StoryApp.LOAD)) {
                others += mean;
            }
        }
        double left = capacity - others;
        String line = String.format(Locale.ROOT, "%s: the backup sent %.1f Mbit/s of the %.1f Mbit/s the game, video, database "
                + "and web left on the %.0f Mbit/s uplink (%.0f%%); the load sent %.1f Mbit/s", phase, sent.get("backup"), left,
                capacity, 100 * sent.get("backup") / left, sent.get(StoryApp.LOAD));
        notes.add(line);
        progress("  %s", line);
    }

    private List<LabReport.App> apps() {
        List<LabReport.App> out = new ArrayList<>();
        for (StoryApp a : StoryApp.measured()) {
            out.add(new LabReport.App(a.name(), classes.getOrDefault(a.name(), "unknown"), a.measure(), phases.get(a.name())));
        }
        return out;
    }

    static String describe(LabReport.Phase p) {
        StringBuilder b = new StringBuilder();
        if (p.latencyP99Ms() != null) {
            b.append(String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms", p.latencyP50Ms(), p.latencyP99Ms()));
        }
        if (p.throughputMbps() != null) {
            b.append(b.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.1f Mbit/s", p.throughputMbps()));
        }
        if (p.lossPct() != null) {
            b.append(b.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "loss %.1f%%", p.lossPct()));
        }
        return b.toString();
    }

    void progress(String format, Object... args) {
        double t = (System.currentTimeMillis() - startMillis) / 1000.0;
        options.progress().accept(String.format(Locale.ROOT, "[%5.1fs] ", t) + String.format(Locale.ROOT, format, args));
    }

    long sinceStart(long epochMillis) {
        return epochMillis - startMillis;
    }

    synchronized <T extends AutoCloseable> T track(T c) {
        open.add(c);
        return c;
    }

    synchronized void untrack(AutoCloseable c) {
        open.remove(c);
    }

    /** Kills what the story started and takes the lab down; safe to call twice and from the shutdown hook. */
    void cleanUp() {
        if (!cleaned.compareAndSet(false, true)) {
            return;
        }
        List<AutoCloseable> all;
        synchronized (this) {
            all = new ArrayList<>(open);
            open.clear();
        }
        for (AutoCloseable c : all.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // the lab's removal below kills whatever is left in its namespaces
            }
        }
        if (timeline != null) {
            timeline.close();
        }
        try {
            String removed = Lab.down(options.stateDir(), options.prefix());
            options.progress().accept("lab: removed (" + removed + ")");
        } catch (RuntimeException e) {
            options.progress().accept("lab: removing it failed: " + e.getMessage() + " (run: sudo ./persona lab down --prefix "
                    + options.prefix() + ")");
        }
        if (substrateState != null) {
            try (var files = Files.walk(substrateState)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // a temporary folder: the system's cleanup takes it
            }
        }
    }
}
