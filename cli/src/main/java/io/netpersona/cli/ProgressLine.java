package io.netpersona.cli;

import io.netpersona.learn.CaptureSummary;
import io.netpersona.learn.Flows;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The progress of a capture on stderr, rewritten in place: share of the file, packets per second and
 * megabytes per second. It appears only once a file has taken a second (small files stay quiet), and
 * says the throughput of the whole file at its end.
 */
final class ProgressLine implements Flows.Progress {
    private static final long SHOW_AFTER = 1_000_000_000L, EVERY = 250_000_000L;
    private final PrintWriter err;
    private final boolean enabled;
    private final LongSupplier clock;
    private long started, lastShown;
    private boolean shown;
    private int width;

    ProgressLine(PrintWriter err, boolean enabled) {
        this(err, enabled, System::nanoTime);
    }

    ProgressLine(PrintWriter err, boolean enabled, LongSupplier clock) {
        this.err = err;
        this.enabled = enabled;
        this.clock = clock;
    }

    static boolean stderrIsTerminal() {
        return FlowsCommand.isTerminal(Path.of("/proc/self/fd/2"));
    }

    void start() {
        started = clock.getAsLong();
        lastShown = started;
        shown = false;
    }

    @Override
    public void update(Path file, long bytesRead, long fileBytes, long frames) {
        if (!enabled) {
            return;
        }
        long now = clock.getAsLong();
        if (now - started < SHOW_AFTER || now - lastShown < EVERY) {
            return;
        }
        lastShown = now;
        shown = true;
        double seconds = (now - started) / 1e9;
        String text = String.format(Locale.ROOT, "%s: %3.0f%%  %,d packets  %.2f M packets/s  %.0f MB/s",
                file.getFileName(), fileBytes == 0 ? 100.0 : 100.0 * bytesRead / fileBytes, frames,
                frames / seconds / 1e6, bytesRead / seconds / 1e6);
        write(text);
    }

    void end(CaptureSummary s) {
        if (!shown) {
            return;
        }
        double seconds = (clock.getAsLong() - started) / 1e9;
        write(String.format(Locale.ROOT, "%s: %,d packets in %.1f s, %.2f M packets/s, %.0f MB/s", s.file().getFileName(),
                s.stats().frames(), seconds, s.stats().frames() / seconds / 1e6, s.fileBytes() / seconds / 1e6));
        err.println();
        err.flush();
        width = 0;
        shown = false;
    }

    void clear() {
        if (shown) {
            err.print("\r" + " ".repeat(width) + "\r");
            err.flush();
            width = 0;
            shown = false;
        }
    }

    private void write(String text) {
        String pad = text.length() < width ? " ".repeat(width - text.length()) : "";
        err.print("\r" + text + pad);
        err.flush();
        width = text.length();
    }
}
