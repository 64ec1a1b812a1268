package io.netpersona.substrate.linux;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Long-lived TCP connections between test namespaces (socat, no shell), to read their congestion control
 * with {@code ss -tin} while they are open; and device counters. Every process is ended on close.
 */
final class Sockets implements AutoCloseable {
    private static final Pattern SOCKET = Pattern.compile("(?m)^\\S+\\s+\\d+\\s+\\d+\\s+(\\S+)\\s+(\\S+)\\s*\\n\\s+(\\w+)\\s");
    private static final Pattern RX_PACKETS = Pattern.compile("\"rx\":\\{\"bytes\":\\d+,\"packets\":(\\d+)");
    private final TestNet net;
    private final List<Process> processes = new ArrayList<>();

    Sockets(TestNet net) {
        this.net = net;
    }

    /** A listener on every address of {@code ns} that reads and discards, for as long as the test runs. */
    void listen(String ns, int port) {
        start(ns, "socat", "-u", "TCP4-LISTEN:" + port + ",reuseaddr,fork", "OPEN:/dev/null");
        waitFor(() -> net.exec(ns, "ss", "-tlnH", "sport", "=", ":" + port).stdout().contains(":" + port), "listener on " + port);
    }

    /** Opens a connection from {@code ns} to address:port that stays open until close. */
    void connect(String ns, String address, int port) {
        start(ns, "socat", "-u", "-", "TCP4:" + address + ":" + port);
    }

    /**
     * The congestion control of the established socket in {@code ns} whose local or peer end is
     * {@code end} ("10.0.0.2:5001"), waiting up to 3 s for it to appear.
     */
    String congestionControl(String ns, String end) {
        String[] found = new String[1];
        waitFor(() -> {
            Matcher m = SOCKET.matcher(net.exec(ns, "ss", "-tinH").stdout());
            while (m.find()) {
                if (m.group(1).equals(end) || m.group(2).equals(end)) {
                    found[0] = m.group(3);
                    return true;
                }
            }
            return false;
        }, "an established socket at " + end + " in " + ns);
        return found[0];
    }

    /** Ends the connections opened so far (listeners too). */
    void hangUp() {
        for (Process p : processes) {
            p.destroyForcibly();
            try {
                p.waitFor(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
    }

    /** Packets a device has received. */
    long rxPackets(String ns, String dev) {
        Matcher m = RX_PACKETS.matcher(net.commands().check(Commands.ip(ns, "-j", "-s", "link", "show", "dev", dev), null));
        if (!m.find()) {
            throw new AssertionError("no counters for " + dev + " in " + ns);
        }
        return Long.parseLong(m.group(1));
    }

    private void start(String ns, String... argv) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(argv));
        try {
            processes.add(new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + full + ": " + e.getMessage(), e);
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
        throw new AssertionError("timed out after 3 s waiting for " + what);
    }

    @Override
    public void close() {
        hangUp();
    }
}
