package io.netpersona.learn;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What reading one capture gave.
 *
 * @param file the capture
 * @param format its format
 * @param fileBytes its size
 * @param stats frames, flows and what the decoder made of the frames
 * @param problem why reading stopped before the end of the file (naming the offset), when it did; the
 *     flows of every frame before that point were still reported
 */
public record CaptureSummary(Path file, CaptureFormat format, long fileBytes, FlowMeter.Stats stats,
        Optional<String> problem) {
    public CaptureSummary {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(problem, "problem");
    }

    /** Whether the whole file was read. */
    public boolean complete() {
        return problem.isEmpty();
    }
}
