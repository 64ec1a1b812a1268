package io.netpersona.lab.story;

import io.netpersona.lab.LabConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * How {@code persona lab} runs: quick (about a minute, for a first look and for CI) or full (a few minutes, for
 * numbers that settle), where the report goes, which lab prefix and state folder it uses, and where progress
 * lines go.
 */
public record StoryOptions(boolean quick, Path outDir, String prefix, Path stateDir, Consumer<String> progress) {
    public StoryOptions {
        if (outDir == null) {
            throw new IllegalArgumentException("out: null (expected: a folder for lab-report.json and lab-report.html)");
        }
        prefix = prefix == null ? LabConfig.DEFAULT_PREFIX : prefix;
        stateDir = stateDir == null ? LabConfig.defaultStateDir(prefix) : stateDir;
        progress = progress == null ? s -> { } : progress;
    }

    /** Each application measured alone. */
    Duration alone() {
        return quick ? Duration.ofSeconds(3) : Duration.ofSeconds(8);
    }

    /**
     * The baseline and persona phases. Quick ones last 8 s: the video's viewers fill their buffers at the start of a
     * phase (about 11 Mbit/s for 2 s, then 5), and at 6 s those seconds were most of what the backup's share counted.
     */
    Duration phase() {
        return quick ? Duration.ofSeconds(8) : Duration.ofSeconds(20);
    }

    /** The live capture the personas are learned from. */
    Duration learn() {
        return quick ? Duration.ofSeconds(5) : Duration.ofSeconds(15);
    }

    /** Each fault phase, from its clients' start; the fault begins {@link #settle()} in. */
    Duration fault() {
        return quick ? Duration.ofSeconds(12) : Duration.ofSeconds(30);
    }

    Duration settle() {
        return quick ? Duration.ofSeconds(3) : Duration.ofSeconds(6);
    }

    /** The engine's verify window for every persona. */
    Duration verifyWindow() {
        return quick ? Duration.ofSeconds(3) : Duration.ofSeconds(6);
    }

    /** Random loss on site-a's path during the loss fault, percent per direction (the issue asks for 1-3%). */
    double lossPercent() {
        return quick ? 3 : 2;
    }

    String mode() {
        return quick ? "quick" : "full";
    }
}
