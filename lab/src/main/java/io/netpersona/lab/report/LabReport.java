package io.netpersona.lab.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one run of {@code persona lab} found: each application with its learned class and its numbers in
 * every phase, the adaptations the engine made (or refused), and the per-second metrics they happened in.
 * Written as {@code lab-report.json} ({@link ReportJson}), {@code lab-report.html} ({@link ReportHtml})
 * and the table printed at the end ({@link ReportTable}).
 *
 * @param startedAt when the run began (ISO-8601)
 * @param mode {@code quick} or {@code full}
 * @param apps in the order the lab started them
 * @param events in the order of their onset
 * @param timeline per application and metric, one point per sample, times in ms from the run's start
 * @param notes what a reader should know about the run (a phase cut short, a measurement missing and why)
 */
public record LabReport(String startedAt, String mode, List<App> apps, List<Event> events, List<Series> timeline,
                        List<String> notes) {
    /** Each application measured alone, before any load. */
    public static final String UNLOADED = "unloaded";
    /** All applications together, and the competing load, without personas. */
    public static final String BASELINE = "baseline";
    /** The same load, with the learned personas applied. */
    public static final String PERSONA = "persona";

    public LabReport {
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(mode, "mode");
        apps = List.copyOf(apps);
        events = List.copyOf(events);
        timeline = List.copyOf(timeline);
        notes = List.copyOf(notes);
    }

    /**
     * An application of the lab.
     *
     * @param name its name in the lab (also its persona's name)
     * @param trafficClass the class learned from its traffic, or {@code unknown}
     * @param measure what "better" means for it: {@link Measure#LATENCY} or {@link Measure#THROUGHPUT}
     * @param phases by phase name ({@link #UNLOADED}, {@link #BASELINE}, {@link #PERSONA}, then any fault phases), in order
     */
    public record App(String name, String trafficClass, Measure measure, Map<String, Phase> phases) {
        public App {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(trafficClass, "trafficClass");
            Objects.requireNonNull(measure, "measure");
            phases = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(phases));
        }

        public Optional<Phase> phase(String name) {
            return Optional.ofNullable(phases.get(name));
        }
    }

    /** Which number an application's users feel most. */
    public enum Measure {
        LATENCY, THROUGHPUT;

        @com.fasterxml.jackson.annotation.JsonValue
        public String label() {
            return this == LATENCY ? "latency" : "throughput";
        }
    }

    /**
     * An application's numbers over one phase; a number that means nothing for it (a game's throughput is
     * what its clients send) is still given where it was measured, and {@code null} where it was not.
     *
     * @param latencyQuantilesMs the latency at 0, 1, ..., 100 percent, for the distribution chart; empty
     *     when the application does not measure latency
     */
    public record Phase(Double latencyP50Ms, Double latencyP99Ms, Double throughputMbps, Double lossPct, long samples,
                        List<Double> latencyQuantilesMs) {
        public Phase {
            latencyQuantilesMs = List.copyOf(latencyQuantilesMs);
            if (!latencyQuantilesMs.isEmpty() && latencyQuantilesMs.size() != 101) {
                throw new IllegalArgumentException("latencyQuantilesMs: " + latencyQuantilesMs.size()
                        + " values (expected: 101, one per percent, or none)");
            }
            if (samples < 0) {
                throw new IllegalArgumentException("samples: " + samples + " (expected: >= 0)");
            }
        }

        /** A phase from latency samples (ms) and the other numbers, the percentiles computed here. */
        public static Phase of(double[] latenciesMs, Double throughputMbps, Double lossPct) {
            if (latenciesMs.length == 0) {
                return new Phase(null, null, throughputMbps, lossPct, 0, List.of());
            }
            double[] sorted = latenciesMs.clone();
            java.util.Arrays.sort(sorted);
            List<Double> q = new ArrayList<>(101);
            for (int p = 0; p <= 100; p++) {
                q.add(quantile(sorted, p / 100.0));
            }
            return new Phase(quantile(sorted, 0.5), quantile(sorted, 0.99), throughputMbps, lossPct, sorted.length, q);
        }

        /** The nearest-rank quantile of sorted values: the smallest value with at least {@code q} of them at or below it. */
        static double quantile(double[] sorted, double q) {
            int rank = (int) Math.ceil(q * sorted.length);
            return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)];
        }
    }

    /**
     * Something that happened to an application and what the engine did about it.
     *
     * @param kind what happened: {@code loss}, {@code congestion}, {@code harmful-change}, ...
     * @param onsetMs when it began, ms from the run's start
     * @param appliedMs when the engine's corrective change was in the kernel, or {@code null} when none was
     * @param reactionMs {@code appliedMs - onsetMs}, or {@code null}
     * @param change the change applied (or advised), in words
     * @param outcome {@code kept}, {@code reverted}, {@code failed}, {@code advised} or {@code none}
     */
    public record Event(String kind, String app, long onsetMs, Long appliedMs, Long reactionMs, String change, String outcome) {
        public Event {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(app, "app");
            Objects.requireNonNull(outcome, "outcome");
            change = change == null ? "" : change;
            if (appliedMs != null && reactionMs == null) {
                reactionMs = appliedMs - onsetMs;
            }
        }
    }

    /** One metric of one application over the run, with its unit ({@code ms}, {@code Mbit/s}, {@code %}). */
    public record Series(String app, String metric, String unit, List<Point> points) {
        public Series {
            points = List.copyOf(points);
        }
    }

    /** A sample at {@code tMs} from the run's start. */
    public record Point(long tMs, double value) {}
}
