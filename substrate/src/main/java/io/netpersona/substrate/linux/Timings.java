package io.netpersona.substrate.linux;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where the last apply's time went, phase by phase (each with its start and end from the apply's start), for
 * the benchmark's verbose output: an apply of a thousand personas is read by its parts, not by its total.
 */
public final class Timings {
    private final long start = System.nanoTime();
    private final List<String> phases = new ArrayList<>();
    private long last = start;

    /** Ends the phase that began at the last mark (or the start). */
    synchronized void mark(String phase) {
        long now = System.nanoTime();
        phases.add(String.format(Locale.ROOT, "%6.1f..%6.1f %7.1f ms  %s", (last - start) / 1e6, (now - start) / 1e6,
                (now - last) / 1e6, phase));
        last = now;
    }

    /** A phase that ran beside the others, from {@code from} (a {@link System#nanoTime}) to now. */
    synchronized void beside(String phase, long from) {
        long now = System.nanoTime();
        phases.add(String.format(Locale.ROOT, "%6.1f..%6.1f %7.1f ms  %s (beside)", (from - start) / 1e6, (now - start) / 1e6,
                (now - from) / 1e6, phase));
    }

    /** The phases in the order they ended. */
    public synchronized List<String> phases() {
        return List.copyOf(phases);
    }
}
