package io.netpersona.engine;

import io.netpersona.model.Persona;
import io.netpersona.substrate.Substrate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The adaptation engine: one loop per application that observes it through a {@link Substrate}, evaluates
 * the persona's {@link Policies}, applies what they ask for (or, in advise mode, only records it),
 * verifies it over the persona's {@code verifyWindow}, and keeps it or reverts it and holds it off for
 * {@code cooldown}. Every decision, including each decision not to act, goes to the {@link Journal}.
 *
 * <p><b>One step at a time per application.</b> Each application has a lane (a lock) that every step,
 * assignment and runner change of that application takes, so two steps of one application never run at
 * once, whoever calls them: the runner, {@link #step} from a test harness, or both. A step that finds a
 * change under verification only takes a sample when one is due, so an extra call cannot cut a window
 * short. Different applications step in parallel; the substrate must allow that for different personas.
 *
 * <p>Time comes from the injected clock and waiting from the injected {@link Scheduler}, so that tests
 * run whole verify windows and cooldowns in virtual time.
 */
public final class Engine implements AutoCloseable {
    private final AppLoop.Env env;
    private final Scheduler scheduler;
    private final Map<String, AppLoop> loops = new ConcurrentHashMap<>();

    public Engine(Substrate substrate, SignalSource source, Journal journal, InstantSource clock, Scheduler scheduler,
            EngineSettings settings) {
        this.env = new AppLoop.Env(substrate, source, journal, clock, settings);
        this.scheduler = scheduler;
    }

    /**
     * Takes a persona under management, or gives a managed application its new assignment. The first
     * time an application is seen, decisions a previous process left pending are closed as interrupted.
     */
    public void manage(Persona persona) {
        if (persona.name() == null) {
            throw new IllegalArgumentException("metadata.name: null (expected: the application's persona name)");
        }
        AppLoop fresh = new AppLoop(persona, env);
        AppLoop loop = loops.computeIfAbsent(persona.name(), n -> fresh);
        loop.lane.lock();
        try {
            if (loop == fresh) {
                loop.closeInterrupted();
            } else {
                loop.assign(persona);
            }
        } finally {
            loop.lane.unlock();
        }
    }

    /** The applications under management. */
    public List<String> apps() {
        return loops.keySet().stream().sorted().toList();
    }

    /** The persona in force for {@code app}: the assigned one with the changes the engine kept or is verifying. */
    public Optional<Persona> current(String app) {
        AppLoop loop = loops.get(app);
        if (loop == null) {
            return Optional.empty();
        }
        loop.lane.lock();
        try {
            return Optional.of(loop.current());
        } finally {
            loop.lane.unlock();
        }
    }

    /**
     * Runs one step of {@code app}'s loop now, waiting for a step already running: observe and decide when
     * idle, take a verification sample when one is due. Never throws for a failed step: the failure is a
     * {@link StepResult.Kind#FAILED} result or a journalled decision not to act.
     */
    public StepResult step(String app) {
        AppLoop loop = loop(app);
        loop.lane.lock();
        try {
            try {
                return loop.step();
            } catch (JournalException e) {
                throw e; // nothing can record it: the caller must hear of it
            } catch (RuntimeException e) {
                return loop.failed(e);
            }
        } finally {
            loop.lane.unlock();
        }
    }

    /**
     * Applies {@code desired} to {@code app} now, outside the rules, and verifies it like any change: kept
     * when it does no harm, reverted (and its kind held off) when it makes the application's own measure
     * worse. For an operator's change and for showing a revert; advise mode still applies nothing.
     *
     * @throws IllegalStateException when a change of {@code app} is under verification
     * @throws io.netpersona.substrate.SubstrateException when {@code app} cannot be observed (nothing was applied)
     */
    public StepResult force(String app, Persona desired, String why) {
        AppLoop loop = loop(app);
        if (!app.equals(desired.name())) {
            throw new IllegalArgumentException("metadata.name: " + desired.name() + " (expected: " + app + ")");
        }
        loop.lane.lock();
        try {
            return loop.force(desired, why);
        } finally {
            loop.lane.unlock();
        }
    }

    /** Starts the long-running loop of {@code app}: a step now, then each step after the delay the previous one asked for. */
    public void start(String app) {
        AppLoop loop = loop(app);
        loop.lane.lock();
        try {
            if (!loop.running) {
                loop.running = true;
                loop.next = scheduler.schedule(Duration.ZERO, () -> tick(loop));
            }
        } finally {
            loop.lane.unlock();
        }
    }

    /** Stops the loop of {@code app} after the step that may be running; a change under verification stays under verification. */
    public void stop(String app) {
        AppLoop loop = loop(app);
        loop.lane.lock();
        try {
            loop.running = false;
            if (loop.next != null) {
                loop.next.cancel();
                loop.next = null;
            }
        } finally {
            loop.lane.unlock();
        }
    }

    /** Stops every loop. The journal belongs to the caller and stays open. */
    @Override
    public void close() {
        loops.keySet().forEach(this::stop);
    }

    private void tick(AppLoop loop) {
        loop.lane.lock();
        try {
            if (!loop.running) {
                return;
            }
            Duration next;
            long started = env.clock().millis();
            try {
                next = step(loop.app).next();
            } catch (JournalException e) {
                // the journal cannot be written: acting without a record is not allowed, so wait and try again
                next = env.settings().interval();
            }
            // a step asks for its next one counted from its own start: observations of one host's applications take
            // turns with the substrate (measured in the lab: 0.5-1.5 s a step with six applications on two busy
            // cores), and counting the interval after that time made every application's cadence 1.5-2.5 s at an
            // interval of 1 s, which a fault's detection waited for
            long spent = Math.max(0, env.clock().millis() - started);
            next = next.minusMillis(Math.min(spent, next.toMillis()));
            loop.next = scheduler.schedule(next, () -> tick(loop));
        } finally {
            loop.lane.unlock();
        }
    }

    private AppLoop loop(String app) {
        AppLoop loop = loops.get(app);
        if (loop == null) {
            throw new IllegalArgumentException("app: " + app + " (expected: one of " + apps() + ")");
        }
        return loop;
    }
}
