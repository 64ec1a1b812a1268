package io.netpersona.lab.traffic;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/** The server side of each lab application; each runs until the {@link Run} ends and returns its counts. */
final class Servers {
    /** A database request and its answer, in bytes. */
    static final int REQUEST = 64, ANSWER = 256;
    static final int HEADER_LIMIT = 8192;

    private Servers() {
    }

    /** Answers every input of its players with a state update of 100-160 bytes that echoes the input's number. */
    static Map<String, Double> game(Run run) throws IOException {
        Backend backend = Backend.startIfWanted(run);
        ServerSocket extra = listenToo(run);
        long inputs = 0;
        Set<SocketAddress> players = new HashSet<>();
        try (DatagramSocket s = new DatagramSocket(run.intArg("port", 27015))) {
            s.setSoTimeout(100);
            Generators.ready();
            byte[] in = new byte[2048];
            while (run.running()) {
                DatagramPacket p = new DatagramPacket(in, in.length);
                try {
                    s.receive(p);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (p.getLength() < 4) {
                    continue;
                }
                inputs++;
                players.add(p.getSocketAddress());
                byte[] state = Run.payload(100, 160);
                System.arraycopy(in, 0, state, 0, 4);
                s.send(new DatagramPacket(state, state.length, p.getSocketAddress()));
            }
        } finally {
            close(extra);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("inputs", (double) inputs);
        out.put("players", (double) players.size());
        withBackend(out, backend);
        return out;
    }

    /** Answers each request of {@value #REQUEST} bytes with {@value #ANSWER}, one thread per connection. */
    static Map<String, Double> database(Run run) throws IOException {
        Backend backend = Backend.startIfWanted(run);
        AtomicLong requests = new AtomicLong();
        long connections = accept(run, run.intArg("port", 5432), s -> {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] answer = Run.payload(ANSWER, ANSWER);
            while (run.running() && in.readNBytes(REQUEST).length == REQUEST) {
                requests.incrementAndGet();
                out.write(answer);
            }
        });
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("connections", (double) connections);
        out.put("requests", (double) requests.get());
        withBackend(out, backend);
        return out;
    }

    /** Sends to every stream that connects, each paced at {@code --mbit} per stream, until the run ends. */
    static Map<String, Double> bulk(Run run) throws IOException {
        double bytesPerSecond = run.doubleArg("mbit", 25) * 1e6 / 8;
        AtomicLong sent = new AtomicLong();
        long streams = accept(run, run.intArg("port", 873), s -> {
            OutputStream out = s.getOutputStream();
            byte[] chunk = Run.payload(64 * 1024, 64 * 1024);
            long start = System.nanoTime(), total = 0;
            while (run.running()) {
                out.write(chunk);
                total += chunk.length;
                sent.addAndGet(chunk.length);
                run.sleepUntil(start + (long) (total * 1e9 / bytesPerSecond));
            }
        });
        return Map.of("streams", (double) streams, "bytesSent", (double) sent.get());
    }

    /** Sends a segment of the size each 8-byte request names (at most 64 MB), on one connection per viewer. */
    static Map<String, Double> video(Run run) throws IOException {
        AtomicLong segments = new AtomicLong();
        long viewers = accept(run, run.intArg("port", 8080), s -> {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] chunk = Run.payload(64 * 1024, 64 * 1024);
            byte[] request;
            while (run.running() && (request = in.readNBytes(8)).length == 8) {
                long size = ByteBuffer.wrap(request).getLong();
                if (size <= 0 || size > 64L << 20) {
                    throw new IOException("segment size " + size + " (expected: 1..64 MB)");
                }
                for (long left = size; left > 0 && run.running(); left -= chunk.length) {
                    out.write(chunk, 0, (int) Math.min(chunk.length, left));
                }
                segments.incrementAndGet();
            }
        });
        return Map.of("viewers", (double) viewers, "segments", (double) segments.get());
    }

    /** HTTP/1.1 on a connection per request: reads the request head, answers 200 with {@code --body} bytes. */
    static Map<String, Double> web(Run run) throws IOException {
        AtomicLong requests = new AtomicLong(), refused = new AtomicLong();
        byte[] body = Run.payload(run.intArg("body", 16384), run.intArg("body", 16384));
        long connections = accept(run, run.intArg("port", 80), s -> {
            s.setTcpNoDelay(true);
            String head = readHead(s.getInputStream());
            OutputStream out = s.getOutputStream();
            if (head == null || !head.startsWith("GET ")) {
                refused.incrementAndGet();
                out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            requests.incrementAndGet();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
        });
        return Map.of("connections", (double) connections, "requests", (double) requests.get(), "badRequests", (double) refused.get());
    }

    /** The request head up to the empty line, or null when the peer closed first or sent more than a limit. */
    static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while (b.length() < HEADER_LIMIT && (c = in.read()) >= 0) {
            b.append((char) c);
            if (b.length() >= 4 && b.substring(b.length() - 4).equals("\r\n\r\n")) {
                return b.toString();
            }
        }
        return null;
    }

    /** A resolver on udp/{@code --port} (53) of {@code --bind} (all addresses) that knows one A record: {@code --name} at {@code --address}. */
    static Map<String, Double> dns(Run run) throws IOException {
        AtomicLong answered = new AtomicLong();
        int port = run.intArg("port", 53);
        DatagramSocket socket = run.has("bind") ? new DatagramSocket(new java.net.InetSocketAddress(InetAddress.ofLiteral(run.arg("bind")), port))
                : new DatagramSocket(port);
        Generators.ready();
        Dns.serve(socket, run.arg("name"), InetAddress.ofLiteral(run.arg("address")), run::running, answered);
        return Map.of("answers", (double) answered.get());
    }

    /** Accepts TCP connections and closes them: a service nobody is meant to use. */
    static Map<String, Double> listen(Run run) throws IOException {
        long accepted = accept(run, run.intArg("port", 2222), s -> { });
        return Map.of("accepted", (double) accepted);
    }

    interface Handler {
        void handle(Socket s) throws IOException;
    }

    /** Accepts until the run ends, each connection on a thread of its own; says ready once listening. */
    private static long accept(Run run, int port, Handler handler) throws IOException {
        long accepted = 0;
        ServerSocket extra = listenToo(run);
        try (ServerSocket server = new ServerSocket(port)) {
            server.setSoTimeout(100);
            Generators.ready();
            while (run.running()) {
                Socket s;
                try {
                    s = server.accept();
                } catch (SocketTimeoutException e) {
                    continue;
                }
                accepted++;
                Thread.ofPlatform().daemon().start(() -> {
                    try (s) {
                        handler.handle(s);
                    } catch (IOException e) {
                        // the peer went away: a server carries on with the others
                    }
                });
            }
        } finally {
            close(extra);
        }
        return accepted;
    }

    /** With {@code --listen-too P}: a TCP port that accepts but that the application's own traffic never uses. */
    private static ServerSocket listenToo(Run run) throws IOException {
        if (!run.has("listen-too")) {
            return null;
        }
        ServerSocket extra = new ServerSocket(run.intArg("listen-too", 0));
        Thread.ofPlatform().daemon().start(() -> {
            while (!extra.isClosed()) {
                try {
                    extra.accept().close();
                } catch (IOException e) {
                    // closed at the end of the run
                }
            }
        });
        return extra;
    }

    private static void close(ServerSocket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing to do at the end of a run
            }
        }
    }

    private static void withBackend(Map<String, Double> out, Backend backend) {
        if (backend != null) {
            out.putAll(backend.result());
        }
    }
}
