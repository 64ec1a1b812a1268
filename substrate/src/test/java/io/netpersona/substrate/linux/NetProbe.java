package io.netpersona.substrate.linux;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Servers and clients for firewall tests, run inside a namespace as one process that takes commands on
 * standard input and answers each with one line (so a test starts one JVM per namespace, not one per
 * connection). Exits when its input closes or after its lifetime (first argument, seconds).
 *
 * <pre>
 * listen tcp|udp PORT                       serve an echo on every address ("ok")
 * tcp ADDR PORT TIMEOUT_MS [SOURCE]         connect, echo a line, close: connected | timeout | refused | error ...
 * hold ADDR PORT TIMEOUT_MS [SOURCE]        the same, and keep the connection open
 * release                                   close the held connections ("ok")
 * udp ADDR PORT TIMEOUT_MS                  send a datagram, wait for the echo: reply | timeout | error ...
 * burst ADDR PORT N TIMEOUT_MS              N connects at once: connected=.. refused=.. timeout=..
 * trickle ADDR PORT N INTERVAL_MS TIMEOUT_MS   N connects one after the other
 * </pre>
 */
public final class NetProbe {
    private static final List<Closeable> HELD = new CopyOnWriteArrayList<>();

    public static void main(String[] args) throws Exception {
        long lifetime = Long.parseLong(args[0]);
        Thread.ofPlatform().daemon().start(() -> {
            sleep(lifetime * 1000);
            System.exit(2);
        });
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.println("ready");
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String answer;
            try {
                answer = run(line.strip().split(" "));
            } catch (Exception e) {
                answer = "error " + e;
            }
            out.println(answer);
        }
        System.exit(0);
    }

    private static String run(String[] c) throws Exception {
        return switch (c[0]) {
            case "listen" -> c[1].equals("tcp") ? listenTcp(Integer.parseInt(c[2])) : listenUdp(Integer.parseInt(c[2]));
            case "tcp", "hold" -> tcp(c[1], Integer.parseInt(c[2]), Integer.parseInt(c[3]), c.length > 4 ? c[4] : null,
                    c[0].equals("hold"));
            case "release" -> {
                for (Closeable s : HELD) {
                    s.close();
                }
                HELD.clear();
                yield "ok";
            }
            case "udp" -> udp(c[1], Integer.parseInt(c[2]), Integer.parseInt(c[3]));
            case "burst" -> burst(c[1], Integer.parseInt(c[2]), Integer.parseInt(c[3]), Integer.parseInt(c[4]));
            case "trickle" -> trickle(c[1], Integer.parseInt(c[2]), Integer.parseInt(c[3]), Integer.parseInt(c[4]),
                    Integer.parseInt(c[5]));
            default -> "error unknown command " + c[0];
        };
    }

    private static String listenTcp(int port) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(port), 512);
        Thread.startVirtualThread(() -> {
            while (true) {
                try {
                    Socket s = server.accept();
                    Thread.startVirtualThread(() -> echo(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return "ok";
    }

    private static void echo(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            byte[] buf = new byte[4096];
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static String listenUdp(int port) throws IOException {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(port));
        Thread.startVirtualThread(() -> {
            byte[] buf = new byte[2048];
            while (true) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    s.receive(p);
                    s.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return "ok";
    }

    private static String tcp(String addr, int port, int timeoutMs, String source, boolean hold) {
        Socket s = new Socket();
        try {
            if (source != null) {
                s.bind(new InetSocketAddress(InetAddress.ofLiteral(source), 0));
            }
            s.connect(new InetSocketAddress(InetAddress.ofLiteral(addr), port), timeoutMs);
            s.setSoTimeout(timeoutMs);
            s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            byte[] echo = s.getInputStream().readNBytes(5);
            if (echo.length != 5) {
                s.close();
                return "error short echo";
            }
            if (hold) {
                HELD.add(s);
            } else {
                s.close();
            }
            return "connected";
        } catch (SocketTimeoutException e) {
            close(s);
            return "timeout";
        } catch (ConnectException e) {
            close(s);
            return e.getMessage() != null && e.getMessage().contains("refused") ? "refused" : "error " + e.getMessage();
        } catch (IOException e) {
            close(s);
            return "error " + e.getMessage();
        }
    }

    private static String udp(String addr, int port, int timeoutMs) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(timeoutMs);
            byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
            s.send(new DatagramPacket(ping, ping.length, new InetSocketAddress(InetAddress.ofLiteral(addr), port)));
            DatagramPacket reply = new DatagramPacket(new byte[64], 64);
            s.receive(reply);
            return "reply";
        } catch (SocketTimeoutException e) {
            return "timeout";
        }
    }

    private static String burst(String addr, int port, int n, int timeoutMs) throws Exception {
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                results.add(pool.submit(() -> tcp(addr, port, timeoutMs, null, false)));
            }
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : results) {
                outcomes.add(f.get());
            }
            return tally(outcomes);
        }
    }

    private static String trickle(String addr, int port, int n, int intervalMs, int timeoutMs) {
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            outcomes.add(tcp(addr, port, timeoutMs, null, false));
            sleep(Math.max(0, intervalMs - (System.nanoTime() - start) / 1_000_000));
        }
        return tally(outcomes);
    }

    private static String tally(List<String> outcomes) {
        Map<String, Integer> count = new TreeMap<>(Map.of("connected", 0, "refused", 0, "timeout", 0));
        outcomes.forEach(o -> count.merge(o.startsWith("error") ? "error" : o, 1, Integer::sum));
        return String.join(" ", count.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    private static void close(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A NetProbe running in a namespace, asked from the test. */
    public static final class Handle implements AutoCloseable {
        private final Process process;
        private final PrintStream to;
        private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

        private Handle(Process process) {
            this.process = process;
            this.to = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
            Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = process.inputReader(StandardCharsets.UTF_8)) {
                    for (String l = r.readLine(); l != null; l = r.readLine()) {
                        answers.add(l);
                    }
                } catch (IOException e) {
                    // the process ended; ask() times out with what it printed
                }
            });
        }

        /** Starts a probe in {@code ns} that ends by itself after {@code lifetimeSeconds}. */
        public static Handle start(String ns, int lifetimeSeconds) throws IOException {
            Process p = new ProcessBuilder("ip", "netns", "exec", ns, ProcessHandle.current().info().command().orElseThrow(),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                    NetProbe.class.getName(), Integer.toString(lifetimeSeconds)).redirectErrorStream(true).start();
            return new Handle(p);
        }

        /** Waits for the probe's JVM to be up. */
        public Handle ready() {
            String first = next(20_000);
            if (!"ready".equals(first)) {
                throw new IllegalStateException("NetProbe did not start: " + first);
            }
            return this;
        }

        /** Sends one command and returns its one-line answer. */
        public String ask(String command) {
            to.println(command);
            String answer = next(30_000);
            if (answer == null) {
                throw new IllegalStateException("NetProbe gave no answer to " + command + " (alive: " + process.isAlive() + ")");
            }
            return answer;
        }

        private String next(long ms) {
            try {
                return answers.poll(ms, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        @Override
        public void close() {
            to.close();
            try {
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
