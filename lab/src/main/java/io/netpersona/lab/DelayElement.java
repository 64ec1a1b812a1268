package io.netpersona.lab;

import java.io.IOException;
import java.io.StringReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lab's delay element, a process of its own that outlives {@code persona lab up}: for each TUN device
 * it attaches to, one thread reads the packets the kernel routes into the device and one writes each back
 * after the device's delay, so the kernel routes it on (netem, the usual way, is missing on these
 * kernels). Started in the router's namespace ({@code ip netns exec}), where the lab created the devices
 * as persistent TUNs; it leaves the terminal's session at once, so only {@code persona lab down} (or the
 * devices disappearing) ends it.
 *
 * <p>It takes its delays from a control file ({@code generation=N} and {@code DEVICE=MICROSECONDS} lines)
 * and re-reads it when it changes; it writes a status file (the generation it applied, per device the
 * delay and the packets passed and dropped, a heartbeat) after every change and every second.
 *
 * <pre>java -cp ... io.netpersona.lab.DelayElement --prefix npl- --control FILE --status FILE</pre>
 */
public final class DelayElement {
    /** At 1 Gbit/s and 1 s of delay a line holds ~83,000 full packets; beyond that it drops like a full buffer. */
    static final int LINE_CAPACITY = 100_000;
    private static final long POLL_MILLIS = 50;

    private final Path control;
    private final Path status;
    private final Map<String, Pump> pumps = new LinkedHashMap<>();
    private long generation = -1;
    private FileTime seen;
    private volatile String failure;

    private DelayElement(Path control, Path status) {
        this.control = control;
        this.status = status;
    }

    public static void main(String[] args) throws Exception {
        Path control = null, status = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--control" -> control = Path.of(args[i + 1]);
                case "--status" -> status = Path.of(args[i + 1]);
                case "--prefix" -> { } // marks the process as this lab's, for the cleaner and for people reading ps
                default -> usage("unknown option " + args[i]);
            }
        }
        if (control == null || status == null) {
            usage("--control and --status are needed");
        }
        Tun.detachFromTerminal();
        new DelayElement(control, status).run();
    }

    private static void usage(String why) {
        System.err.println("delay element: " + why + " (usage: DelayElement --prefix P --control FILE --status FILE)");
        System.exit(2);
    }

    private void run() throws IOException, InterruptedException {
        Control first = readControl();
        for (var e : first.delays().entrySet()) {
            pumps.put(e.getKey(), new Pump(Tun.attach(e.getKey()), e.getValue() * 1000));
        }
        apply(first);
        pumps.values().forEach(Pump::start);
        long lastStatus = 0;
        String fileTrouble = null;
        while (failure == null) {
            Thread.sleep(POLL_MILLIS);
            try {
                FileTime t = Files.getLastModifiedTime(control);
                if (!t.equals(seen)) {
                    apply(readControl());
                    lastStatus = 0;
                }
                if (System.nanoTime() - lastStatus > TimeUnit.SECONDS.toNanos(1)) {
                    writeStatus();
                    lastStatus = System.nanoTime();
                }
                fileTrouble = null;
            } catch (IOException | RuntimeException e) {
                // the packets keep flowing with the last delays; say it once, not every 50 ms
                if (!e.toString().equals(fileTrouble)) {
                    fileTrouble = e.toString();
                    System.err.println("delay element: control or status file: " + fileTrouble);
                }
            }
        }
        System.err.println("delay element: stopping: " + failure);
        try {
            writeStatus();
        } finally {
            System.exit(1);
        }
    }

    record Control(long generation, Map<String, Long> delays) {}

    /** {@code generation=N} and {@code DEVICE=MICROSECONDS} lines. */
    static Control parseControl(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        long generation = Long.parseLong(p.getProperty("generation", "0").strip());
        Map<String, Long> delays = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().filter(k -> !k.equals("generation"))
                .forEach(k -> delays.put(k, Long.parseLong(p.getProperty(k).strip())));
        return new Control(generation, delays);
    }

    private Control readControl() throws IOException {
        seen = Files.getLastModifiedTime(control);
        return parseControl(Files.readString(control));
    }

    private void apply(Control c) throws IOException {
        for (var e : c.delays().entrySet()) {
            Pump p = pumps.get(e.getKey());
            if (p != null) {
                p.delay(e.getValue() * 1000);
            }
        }
        generation = c.generation();
        writeStatus();
    }

    private void writeStatus() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("pid=" + ProcessHandle.current().pid());
        lines.add("generation=" + generation);
        lines.add("heartbeat=" + System.currentTimeMillis());
        if (failure != null) {
            lines.add("failure=" + failure.replace('\n', ' '));
        }
        for (Pump p : pumps.values()) {
            lines.addAll(p.status());
        }
        Path tmp = status.resolveSibling(status.getFileName() + ".tmp");
        Files.write(tmp, lines);
        try {
            Files.move(tmp, status, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, status, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** One device: a reader thread feeds the line, a writer thread drains it when packets are due. */
    private final class Pump {
        private final Tun tun;
        private final DelayLine line;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private volatile long writeErrors;

        Pump(Tun tun, long delayNanos) {
            this.tun = tun;
            this.line = new DelayLine(LINE_CAPACITY, delayNanos);
        }

        void delay(long nanos) {
            lock.lock();
            try {
                line.delayNanos(nanos);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        List<String> status() {
            lock.lock();
            try {
                String d = tun.name() + ".";
                return List.of(d + "delay_us=" + line.delayNanos() / 1000, d + "passed=" + line.passed(),
                        d + "dropped=" + line.dropped(), d + "queued=" + line.size(), d + "write_errors=" + writeErrors);
            } finally {
                lock.unlock();
            }
        }

        void start() {
            // platform threads: a virtual thread would pin its carrier in the blocking native read; daemons,
            // so that the process ends with its main thread whatever happens to them
            Thread.ofPlatform().daemon().name("read-" + tun.name()).start(this::readLoop);
            Thread.ofPlatform().daemon().name("write-" + tun.name()).start(this::writeLoop);
        }

        private void readLoop() {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(Tun.MAX_PACKET);
                MemorySegment state = Tun.callState(arena);
                while (failure == null) {
                    long n = tun.read(buf, state);
                    if (n < 0) {
                        failure = "reading " + tun.name() + " failed with errno " + (-n) + " (was the device removed?)";
                        return;
                    }
                    byte[] packet = buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
                    lock.lock();
                    try {
                        if (line.offer(packet, System.nanoTime()) && line.size() == 1) {
                            changed.signalAll();
                        }
                    } finally {
                        lock.unlock();
                    }
                }
            } catch (RuntimeException e) {
                failure = "reader of " + tun.name() + ": " + e;
            }
        }

        private void writeLoop() {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(Tun.MAX_PACKET);
                MemorySegment state = Tun.callState(arena);
                while (failure == null) {
                    byte[] packet = next();
                    if (packet == null) {
                        continue;
                    }
                    MemorySegment.copy(packet, 0, buf, ValueLayout.JAVA_BYTE, 0, packet.length);
                    if (tun.write(buf, packet.length, state) < 0) {
                        writeErrors++; // a packet the kernel refuses is lost, as on a wire
                    }
                }
            } catch (InterruptedException e) {
                failure = "writer of " + tun.name() + " interrupted";
            } catch (RuntimeException e) {
                failure = "writer of " + tun.name() + ": " + e;
            }
        }

        /** Waits until the oldest packet is due (or a while, to notice a failure); null when nothing is due yet. */
        private byte[] next() throws InterruptedException {
            lock.lock();
            try {
                long now = System.nanoTime();
                long wait = line.nanosUntilNext(now);
                if (wait > 0) {
                    changed.awaitNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(200)));
                    return null;
                }
                return line.poll(now);
            } finally {
                lock.unlock();
            }
        }
    }
}
