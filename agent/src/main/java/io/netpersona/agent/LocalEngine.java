package io.netpersona.agent;

import io.netpersona.engine.Engine;
import io.netpersona.engine.EngineSettings;
import io.netpersona.engine.SignalSource;
import io.netpersona.engine.SqliteJournal;
import io.netpersona.engine.VirtualThreadScheduler;
import io.netpersona.model.Persona;
import io.netpersona.substrate.Substrate;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The adaptation engine of this host, for the personas the agent runs: one loop each, journalled to
 * {@code DIR/journal.db} and reported to the control plane. A loop is stopped while the agent replaces or
 * removes its persona (stopping waits for a step in progress), and starts again on the new version.
 */
final class LocalEngine implements Applier.Adaptation, AutoCloseable {
    private final ReportingJournal journal;
    private final VirtualThreadScheduler scheduler = new VirtualThreadScheduler();
    private final Engine engine;

    LocalEngine(Substrate substrate, Path stateDir, EngineSettings settings) {
        this.journal = new ReportingJournal(SqliteJournal.open(stateDir.resolve("journal.db")));
        this.engine = new Engine(substrate, SignalSource.none(), journal, Clock.systemUTC(), scheduler, settings);
    }

    ReportingJournal journal() {
        return journal;
    }

    @Override
    public void pause(String persona) {
        if (engine.apps().contains(persona)) {
            engine.stop(persona);
        }
    }

    @Override
    public void resume(Persona persona) {
        engine.manage(persona);
        engine.start(persona.name());
    }

    @Override
    public void close() {
        engine.close();
        scheduler.close();
        journal.close();
    }
}
