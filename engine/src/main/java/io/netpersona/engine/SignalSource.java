package io.netpersona.engine;

import java.util.Optional;

/**
 * The applications' own measures, next to what the substrate sees. The engine judges a change by what
 * the application's users would notice, so an application that reports its latency or throughput is
 * judged by that; one that reports nothing is judged by its sockets and counters. Called from the
 * application's lane, never twice at once for one application.
 */
@FunctionalInterface
public interface SignalSource {
    /** The application's measure now, or empty when it reports none. */
    Optional<AppMeasure> measure(String app);

    static SignalSource none() {
        return app -> Optional.empty();
    }
}
