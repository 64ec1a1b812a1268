package io.netpersona.learn.live;

import io.netpersona.learn.CaptureException;
import io.netpersona.learn.CaptureSummary;
import io.netpersona.learn.Flow;
import io.netpersona.learn.FlowMeter;
import io.netpersona.learn.Flows;
import io.netpersona.learn.PacketListener;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Captures live traffic through tcpdump and meters it with the same pipeline as a file: tcpdump writes pcap
 * to a pipe ({@code -w -}, packet-buffered, headers only: {@value #SNAPLEN} bytes of each packet, counted
 * with their wire lengths), and the capture reader reads the pipe as it fills. tcpdump starts from an
 * argument list (never a shell) inside the namespace ({@code ip netns exec}), and is always stopped and
 * reaped: by {@link #stop()} (SIGTERM, so it flushes, then SIGKILL after {@link #GRACE}) or {@link #close()}.
 *
 * <p>The flow sink and the packet listener run on the capture's own reading thread until {@link #stop()}
 * returns, which happens-after all of their calls.
 */
public final class LiveCapture implements AutoCloseable {
    public static final int SNAPLEN = 256;
    static final Duration GRACE = Duration.ofSeconds(3);
    private static final int STDERR_KEPT = 4096;

    private final CaptureTarget target;
    private final Process process;
    private final Thread reader, errors;
    private final CountDownLatch listening = new CountDownLatch(1);
    private final StringBuilder stderr = new StringBuilder();
    private final AtomicReference<Object> outcome = new AtomicReference<>();
    private final AtomicLong packets = new AtomicLong();
    private final long startedNanos = System.nanoTime();

    private LiveCapture(CaptureTarget target, Process process, FlowMeter.Options options, Consumer<Flow> sink,
            PacketListener listener) {
        this.target = target;
        this.process = process;
        PacketListener counting = p -> {
            packets.setRelease(packets.getPlain() + 1);
            listener.packet(p);
        };
        errors = Thread.ofPlatform().name("tcpdump-stderr").daemon().start(this::drainErrors);
        reader = Thread.ofPlatform().name("live-capture").daemon().start(() -> {
            try {
                outcome.set(Flows.read(process.getInputStream(), target.label(), options, sink, counting, Flows.Progress.NONE));
            } catch (RuntimeException | Error e) {
                outcome.set(e);
            }
        });
    }

    /**
     * Starts tcpdump for the target; the capture runs until {@link #stop()}.
     *
     * @throws LiveCaptureException when not root, tcpdump or ip is missing, the namespace does not exist, or
     *     tcpdump cannot start
     */
    public static LiveCapture start(CaptureTarget target, Consumer<Flow> sink, PacketListener listener) {
        target.checkExists(CaptureTarget.NETNS_DIR);
        if (!isRoot()) {
            throw new LiveCaptureException("a live capture needs root (tcpdump opens a raw socket, and entering a "
                    + "namespace needs CAP_SYS_ADMIN): run it with sudo");
        }
        Path tcpdump = find("tcpdump").orElseThrow(() -> new LiveCaptureException(
                "tcpdump is not installed (on Debian: apt-get install tcpdump)"));
        Path ip = target.netns() == null ? null : find("ip").orElseThrow(() -> new LiveCaptureException(
                "ip (iproute2) is not installed, and a namespace is entered with ip netns exec (on Debian: apt-get install iproute2)"));
        List<String> argv = command(target, ip, tcpdump);
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new LiveCaptureException("cannot start " + String.join(" ", argv) + ": " + e.getMessage(), e);
        }
        return new LiveCapture(target, p, FlowMeter.Options.DEFAULTS.withWireLengths(true), sink, listener);
    }

    /** The command line: an argument list, with names that {@link CaptureTarget} has checked. */
    static List<String> command(CaptureTarget target, Path ip, Path tcpdump) {
        List<String> argv = new ArrayList<>();
        if (target.netns() != null) {
            argv.addAll(List.of(ip.toString(), "netns", "exec", target.netns()));
        }
        argv.addAll(List.of(tcpdump.toString(), "-i", target.iface() == null ? "any" : target.iface(), "-n", "-U",
                "--immediate-mode", "-s", Integer.toString(SNAPLEN), "-w", "-"));
        return argv;
    }

    /**
     * Waits until tcpdump says it is listening (or {@code timeout} passes).
     *
     * @throws LiveCaptureException when tcpdump ended first, with what it said
     */
    public boolean awaitListening(Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            if (listening.await(50, TimeUnit.MILLISECONDS)) {
                return true;
            }
            if (!process.isAlive()) {
                errors.join(1000);
                throw new LiveCaptureException("tcpdump stopped at once (exit " + process.exitValue() + "): " + stderrText());
            }
        }
        return false;
    }

    /** Packets metered so far. */
    public long packets() {
        return packets.getAcquire();
    }

    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    public CaptureTarget target() {
        return target;
    }

    /**
     * Stops tcpdump, waits for the reading to take in everything tcpdump flushed, and returns what was read.
     *
     * @throws LiveCaptureException when tcpdump failed (its message included) or the stream was not a capture
     */
    public CaptureSummary stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
        reader.join(GRACE.toMillis());
        if (reader.isAlive()) {
            closeQuietly(process.getInputStream());
            reader.join(GRACE.toMillis());
        }
        errors.join(1000);
        Object o = outcome.get();
        int exit = process.isAlive() ? -1 : process.exitValue();
        // tcpdump ends with 0 on SIGTERM; anything else, before a single packet, is a failure worth its words
        if (o instanceof CaptureException e) {
            throw new LiveCaptureException("tcpdump gave no capture (exit " + exit + "): " + stderrText(), e);
        }
        if (o instanceof RuntimeException e) {
            throw e;
        }
        if (o instanceof Error e) {
            throw e;
        }
        if (o == null) {
            throw new LiveCaptureException("the capture did not end within " + GRACE.toSeconds() + " s of stopping tcpdump");
        }
        return (CaptureSummary) o;
    }

    /** Kills tcpdump if it still runs and reaps it; safe to call after {@link #stop()}. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try {
            process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            reader.join(GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(process.getInputStream());
    }

    /** What tcpdump said on stderr (its last {@value #STDERR_KEPT} characters). */
    public String stderrText() {
        synchronized (stderr) {
            return stderr.toString().strip();
        }
    }

    private void drainErrors() {
        byte[] buf = new byte[1024];
        try (InputStream in = process.getErrorStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (stderr) {
                    stderr.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    if (stderr.indexOf("listening on") >= 0) {
                        listening.countDown();
                    }
                    if (stderr.length() > STDERR_KEPT) {
                        stderr.delete(0, stderr.length() - STDERR_KEPT);
                    }
                }
            }
        } catch (IOException e) {
            // the process ended; what it said so far is kept
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing is only to unblock the reader
        }
    }

    /** Whether this process runs with effective uid 0 (Linux: /proc/self/status). */
    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    String[] f = line.split("\\s+");
                    return f.length > 2 && f[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** An executable on PATH, or in the system folders where sbin tools live but PATH may not reach. */
    static Optional<Path> find(String name) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin"));
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
