package io.netpersona.engine;

import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** An engine on a fake host, a fake clock and a real journal file, with a world the test describes. */
final class Rig implements AutoCloseable {
    static final String ARENA = """
            apiVersion: netpersona.io/v1
            kind: Persona
            metadata: {name: arena, version: 4}
            spec:
              app: {netns: arena}
              trafficClass: %s
              qos: {priority: 3, guaranteedRate: 2Mbit, ceilRate: 10Mbit}
              tcp: {congestionControl: cubic}
              mtu: 1500
              dependencies:
                - {name: scores-db, address: 10.201.2.2, proto: tcp, port: 5432, critical: true, rttP50Ms: 0.4}
              adaptation: {latencyHighMs: 80, lossMediumPct: 1.0, verifyWindow: 9s, cooldown: 30s, mode: %s}
            """;

    final FakeClock clock = new FakeClock(1_750_000_000_000L);
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final Persona persona;
    final FakeSubstrate host;
    final SqliteJournal journal;
    final Engine engine;
    /** What the application reports, given the persona the host realises now. */
    volatile Function<Persona, AppMeasure> measure = p -> null;

    Rig(Path dir, String trafficClass, String mode, EngineSettings settings) {
        persona = PersonaCodec.readYaml(ARENA.formatted(trafficClass, mode));
        host = new FakeSubstrate(clock, persona);
        journal = SqliteJournal.open(dir.resolve("journal.db"));
        SignalSource source = app -> Optional.ofNullable(measure.apply(host.realised));
        engine = new Engine(host, source, journal, clock, scheduler, settings);
        engine.manage(persona);
    }

    Rig(Path dir) {
        this(dir, "realtime", "apply", EngineSettings.defaults());
    }

    StepResult step() {
        return engine.step("arena");
    }

    /** Moves time by {@code d} and steps once (as the runner would at that time). */
    StepResult stepAfter(Duration d) {
        clock.advance(d);
        return step();
    }

    /** Steps through a whole verify window (9 s, 3 samples) and returns the last step. */
    StepResult verifyWindow() {
        stepAfter(Duration.ofSeconds(3));
        stepAfter(Duration.ofSeconds(3));
        return stepAfter(Duration.ofSeconds(3));
    }

    List<JournalEntry> entries() {
        return journal.list(Journal.Query.all());
    }

    JournalEntry entry(String id) {
        return entries().stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow();
    }

    Persona current() {
        return engine.current("arena").orElseThrow();
    }

    @Override
    public void close() {
        engine.close();
        journal.close();
    }
}
