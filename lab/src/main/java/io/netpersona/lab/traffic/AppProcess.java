package io.netpersona.lab.traffic;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A running lab application: a JVM of its own, started from an argument list inside a network namespace
 * ({@code ip netns exec NS java ... Generators ROLE ...}; a process, not a thread that enters the namespace,
 * so its sockets can never leak into another namespace and a kill always ends everything it opened). It ends
 * by itself after its duration; {@link #stop()} ends it early with its measurements so far, {@link #close()}
 * kills it. Thread-safe.
 */
public final class AppProcess implements AutoCloseable {
    private static final Pattern NETNS = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9_.-]{0,63}");
    private static final int KEPT_LINES = 20;
    /** Time for a JVM to start and for a stopped one to print its result. */
    static final Duration START = Duration.ofSeconds(20), GRACE = Duration.ofSeconds(5);

    private final String netns;
    private final TrafficApp app;
    private final Duration duration;
    private final Process process;
    private final Thread reader;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Deque<String> output = new ArrayDeque<>();
    private volatile AppResult result;

    private AppProcess(String netns, TrafficApp app, Duration duration, Process process) {
        this.netns = netns;
        this.app = app;
        this.duration = duration;
        this.process = process;
        this.reader = Thread.ofPlatform().name("app-" + app.role().text()).daemon().start(this::read);
    }

    /**
     * @throws IllegalArgumentException for a namespace name that is not one, or a duration outside 0.1 s..1 h
     * @throws TrafficException when the process cannot start
     */
    static AppProcess start(String netns, TrafficApp app, Duration duration) {
        if (netns != null && (!NETNS.matcher(netns).matches() || netns.equals(".") || netns.equals(".."))) {
            throw new IllegalArgumentException("netns " + netns + " (expected: 1-64 characters of A-Z a-z 0-9 _ . -, not starting with -)");
        }
        if (duration.compareTo(Duration.ofMillis(100)) < 0 || duration.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("duration " + duration + " (expected: 0.1 s..1 h)");
        }
        List<String> argv = command(netns, app, duration);
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            return new AppProcess(netns, app, duration, p);
        } catch (IOException e) {
            throw new TrafficException("cannot start " + app.role().text() + (netns == null ? "" : " in " + netns) + ": " + e.getMessage(), e);
        }
    }

    static List<String> command(String netns, TrafficApp app, Duration duration) {
        List<String> argv = new ArrayList<>();
        if (netns != null) {
            argv.addAll(List.of("ip", "netns", "exec", netns));
        }
        // small and quick to start: these JVMs run next to the measured traffic on a few cores
        argv.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xms16m", "-Xmx128m", "-Xss512k", "-cp", classpath(), Generators.class.getName(),
                app.role().text(), "--seconds", String.format(Locale.ROOT, "%.3f", duration.toMillis() / 1000.0)));
        app.options().forEach((k, v) -> argv.addAll(List.of("--" + k, v)));
        return argv;
    }

    /** Where these classes are: the persona distribution's jar or this module's classes folder. */
    private static String classpath() {
        try {
            return Path.of(Generators.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException | RuntimeException e) {
            return System.getProperty("java.class.path");
        }
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("ready")) {
                    ready.countDown();
                } else if (line.startsWith(AppResult.PREFIX)) {
                    result = AppResult.parse(line);
                } else {
                    synchronized (output) {
                        output.addLast(line);
                        if (output.size() > KEPT_LINES) {
                            output.removeFirst();
                        }
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            synchronized (output) {
                output.addLast("reading the output: " + e.getMessage());
            }
        }
    }

    /**
     * Waits until a server listens.
     *
     * @throws TrafficException when it ended first or did not listen within the time, with what it said
     */
    public AppProcess awaitReady() {
        long until = System.nanoTime() + START.toNanos();
        try {
            while (!ready.await(20, TimeUnit.MILLISECONDS)) {
                if (!process.isAlive()) {
                    reader.join(1000);
                    throw failure("ended before it listened (exit " + process.exitValue() + ")");
                }
                if (System.nanoTime() > until) {
                    throw failure("did not listen within " + START.toSeconds() + " s");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while waiting for it to listen");
        }
        return this;
    }

    /**
     * Waits for the run to end by itself and returns its measurements.
     *
     * @throws TrafficException when it failed, or did not end in its duration and a margin (then it is killed)
     */
    public AppResult awaitResult() {
        return finish(duration.plus(START).plus(GRACE), false);
    }

    /** Ends the run now (SIGTERM) and returns its measurements so far. */
    public AppResult stop() {
        return finish(GRACE, true);
    }

    private AppResult finish(Duration wait, boolean terminate) {
        try {
            if (terminate) {
                // through the handle: Process.destroy would also close our end of its output, and lose the result
                process.toHandle().destroy();
            }
            if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw failure("did not end within " + wait.toSeconds() + " s; killed");
            }
            reader.join(GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw failure("interrupted while waiting for its result; killed");
        }
        AppResult r = result;
        if (r == null) {
            throw failure("ended without a result (exit " + process.exitValue() + ")");
        }
        return r;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String netns() {
        return netns;
    }

    public TrafficApp app() {
        return app;
    }

    /** Kills the process if it still runs and reaps it. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private TrafficException failure(String what) {
        String said;
        synchronized (output) {
            said = output.isEmpty() ? "it printed nothing" : "it said: " + String.join(" | ", output);
        }
        return new TrafficException(app.role().text() + (netns == null ? "" : " in " + netns) + " " + what + "; " + said);
    }
}
