package io.netpersona.engine;

import java.time.Duration;

/**
 * Runs a task once, later. Injected so that tests drive the engine in virtual time (a fake scheduler
 * that runs due tasks when the test moves its clock) and production runs it on virtual threads
 * ({@link VirtualThreadScheduler}).
 */
@FunctionalInterface
public interface Scheduler {
    /** Runs {@code task} after {@code delay}; the handle cancels it if it has not started yet. */
    Cancellable schedule(Duration delay, Runnable task);

    /** A scheduled task that can still be called off. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }
}
