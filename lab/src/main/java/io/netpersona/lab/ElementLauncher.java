package io.netpersona.lab;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Starts the {@link DelayElement} as a process of its own in the router's namespace, detached (output to
 * its log in the state folder), and waits until it reports that it applied the first control file.
 */
final class ElementLauncher {
    private ElementLauncher() {}

    static long start(LabLayout l, LabFiles files, BooleanSupplier aborted) {
        List<String> argv = List.of("ip", "netns", "exec", l.router(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xms16m", "-Xmx96m", "-Xss512k",
                "-cp", classpath(), DelayElement.class.getName(),
                "--prefix", l.prefix(), "--control", files.path(LabFiles.CONTROL).toString(),
                "--status", files.path(LabFiles.STATUS).toString());
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(files.path(LabFiles.LOG).toFile())).start();
        } catch (IOException e) {
            throw new LabException("cannot start the delay element: " + e.getMessage(), e);
        }
        // ip netns exec replaces itself with java: this pid is the element's
        awaitGeneration(files, p.pid(), 1, Duration.ofSeconds(20), aborted);
        return p.pid();
    }

    /** Where the element's classes are: this jar (the persona distribution) or this module's classes folder. */
    private static String classpath() {
        try {
            return Path.of(DelayElement.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException | RuntimeException e) {
            return System.getProperty("java.class.path");
        }
    }

    /** Waits until the element's status file shows {@code generation} applied; fails with its log when it died. */
    static void awaitGeneration(LabFiles files, long pid, long generation, Duration timeout, BooleanSupplier aborted) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Long> status = StatusReader.elementStatus(files);
            if (status.getOrDefault("pid", -1L) == pid && status.getOrDefault("generation", -1L) >= generation) {
                return;
            }
            if (aborted.getAsBoolean()) {
                throw new LabException("interrupted while waiting for the delay element");
            }
            if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
                throw new LabException("the delay element (pid " + pid + ") stopped: " + logTail(files));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted while waiting for the delay element", e);
            }
        }
        throw new LabException("the delay element (pid " + pid + ") did not apply its settings within " + timeout.toSeconds()
                + " s: " + logTail(files));
    }

    private static String logTail(LabFiles files) {
        try {
            List<String> lines = Files.readAllLines(files.path(LabFiles.LOG));
            String tail = String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())).strip();
            return tail.isEmpty() ? "its log " + files.path(LabFiles.LOG) + " is empty" : tail;
        } catch (IOException e) {
            return "no log (" + e.getMessage() + ")";
        }
    }
}
