package io.netpersona.lab.traffic;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** The client side of each lab application, measuring what its users would; each returns its measurements. */
final class Clients {
    /** An update later than this is as good as lost to a player. */
    static final long GAME_DRAIN = 500_000_000L;

    private Clients() {
    }

    /** {@code --clients N} players, each sending {@code --rate} inputs a second and timing the updates. */
    static Map<String, Double> game(Run run) throws InterruptedException {
        InetSocketAddress server = run.endpoint("server");
        int players = run.intArg("clients", 4), rate = run.intArg("rate", 60);
        List<GameMeter> meters = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        long originNanos = System.nanoTime(), originEpochMs = System.currentTimeMillis();
        for (int c = 0; c < players; c++) {
            GameMeter m = new GameMeter();
            meters.add(m);
            threads.add(Thread.ofPlatform().start(() -> player(run, server, rate, m, errors)));
        }
        for (Thread t : threads) {
            t.join();
        }
        // every player has ended (joined), so its meter is read safely without its lock
        long end = System.nanoTime();
        Map<String, Double> out = GameMeter.merge(meters, end, GAME_DRAIN);
        out.put("errors", (double) errors.get());
        // the p99 second by second, for the report's timeline: second i is [origin + i s, origin + (i + 1) s)
        out.put("rttOriginEpochMs", (double) originEpochMs);
        out.putAll(GameMeter.perSecond(meters, originNanos, end - GAME_DRAIN));
        return out;
    }

    private static void player(Run run, InetSocketAddress server, int rate, GameMeter m, AtomicLong errors) {
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(server);
            s.setSoTimeout(100);
            Thread receiver = Thread.ofPlatform().daemon().start(() -> {
                byte[] back = new byte[2048];
                while (run.running()) {
                    DatagramPacket p = new DatagramPacket(back, back.length);
                    try {
                        s.receive(p);
                    } catch (SocketTimeoutException e) {
                        continue;
                    } catch (IOException e) {
                        // the server's port is not open (yet): the input counts as lost
                        continue;
                    }
                    long now = System.nanoTime();
                    if (p.getLength() >= 4) {
                        synchronized (m) {
                            m.answer(ByteBuffer.wrap(back).getInt(), now);
                        }
                    }
                }
            });
            long next = System.nanoTime();
            while (run.running()) {
                byte[] input = Run.payload(40, 100);
                int seq;
                synchronized (m) {
                    seq = m.send(System.nanoTime());
                }
                ByteBuffer.wrap(input).putInt(seq);
                try {
                    s.send(new DatagramPacket(input, input.length));
                } catch (IOException e) {
                    errors.incrementAndGet();
                }
                next += 1_000_000_000L / rate;
                run.sleepUntil(next);
            }
            receiver.join();
        } catch (IOException e) {
            errors.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code --clients N} long-lived connections, each with {@code --rate} requests a second, timing each answer. */
    static Map<String, Double> database(Run run) throws InterruptedException {
        InetSocketAddress server = run.endpoint("server");
        int clients = run.intArg("clients", 3), rate = run.intArg("rate", 20);
        Samples latency = new Samples();
        AtomicLong errors = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofPlatform().start(() -> {
                Samples mine = new Samples();
                try (Socket s = new Socket()) {
                    s.connect(server, 2000);
                    s.setSoTimeout(2000);
                    s.setTcpNoDelay(true);
                    OutputStream out = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    long next = System.nanoTime();
                    while (run.running()) {
                        long t0 = System.nanoTime();
                        out.write(Run.payload(Servers.REQUEST, Servers.REQUEST));
                        if (in.readNBytes(Servers.ANSWER).length != Servers.ANSWER) {
                            throw new IOException("the server closed the connection");
                        }
                        mine.add(System.nanoTime() - t0);
                        next += 1_000_000_000L / rate;
                        run.sleepUntil(next);
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                }
                synchronized (latency) {
                    latency.addAll(mine);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - run.startNanos) / 1e9;
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("requests", (double) latency.offered());
        out.put("errors", (double) errors.get());
        out.put("qps", latency.offered() / seconds);
        out.put("latencyP50Ms", GameMeter.ms(latency.percentile(50)));
        out.put("latencyP95Ms", GameMeter.ms(latency.percentile(95)));
        out.put("latencyP99Ms", GameMeter.ms(latency.percentile(99)));
        latency.quantilesMs("latencyQ", out);
        return out;
    }

    /**
     * {@code --streams N} downloads at once, read and discarded; the throughput of all of them together. With
     * {@code --chunk-seconds S} each stream ends its connection after S seconds and opens the next, as a backup
     * sends one file after another (so a new congestion control on the routes reaches its new connections).
     */
    static Map<String, Double> bulk(Run run) throws InterruptedException {
        InetSocketAddress server = run.endpoint("server");
        int streams = run.intArg("streams", 4);
        long chunkNanos = (long) (run.doubleArg("chunk-seconds", 0) * 1e9);
        Throughput meter = new Throughput(System.nanoTime());
        AtomicLong errors = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < streams; c++) {
            threads.add(Thread.ofPlatform().start(() -> {
                while (run.running()) {
                    long until = chunkNanos > 0 ? System.nanoTime() + chunkNanos : Long.MAX_VALUE;
                    try (Socket s = new Socket()) {
                        s.connect(server, 2000);
                        s.setSoTimeout(100);
                        InputStream in = s.getInputStream();
                        byte[] buf = new byte[64 * 1024];
                        while (run.running() && System.nanoTime() < until) {
                            int n;
                            try {
                                n = in.read(buf);
                            } catch (SocketTimeoutException e) {
                                continue;
                            }
                            if (n < 0) {
                                throw new IOException("the server ended the stream");
                            }
                            meter.add(n, System.nanoTime());
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                        return;
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        Map<String, Double> out = new LinkedHashMap<>(meter.result(System.nanoTime()));
        out.put("streams", (double) streams);
        out.put("errors", (double) errors.get());
        return out;
    }

    /**
     * {@code --clients N} viewers of a stream at {@code --kbit} in segments of {@code --segment-seconds}, each
     * fetching the next segment while less than three are buffered, as players do.
     */
    static Map<String, Double> video(Run run) throws InterruptedException {
        InetSocketAddress server = run.endpoint("server");
        int viewers = run.intArg("clients", 1);
        double segmentSeconds = run.doubleArg("segment-seconds", 1);
        long segmentBytes = (long) (run.doubleArg("kbit", 4000) * 1000 / 8 * segmentSeconds);
        long segmentNanos = (long) (segmentSeconds * 1e9);
        List<Playback> playbacks = new ArrayList<>();
        AtomicLong errors = new AtomicLong(), bytes = new AtomicLong(), downloadNanos = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < viewers; c++) {
            Playback p = new Playback(System.nanoTime(), segmentNanos);
            playbacks.add(p);
            threads.add(Thread.ofPlatform().start(() -> {
                try (Socket s = new Socket()) {
                    s.connect(server, 2000);
                    s.setSoTimeout(5000);
                    OutputStream out = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[64 * 1024];
                    while (run.running()) {
                        long now = System.nanoTime(), ahead;
                        synchronized (p) {
                            ahead = p.bufferedNanos(now) - 3 * segmentNanos;
                        }
                        if (ahead >= 0) {
                            run.sleepUntil(now + ahead + 1);
                            continue;
                        }
                        out.write(ByteBuffer.allocate(8).putLong(segmentBytes).array());
                        long left = segmentBytes;
                        while (left > 0) {
                            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                            if (n < 0) {
                                throw new IOException("the server ended the stream");
                            }
                            left -= n;
                            bytes.addAndGet(n);
                        }
                        long done = System.nanoTime();
                        downloadNanos.addAndGet(done - now);
                        synchronized (p) {
                            p.segmentArrived(done);
                        }
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        long end = System.nanoTime();
        double stalls = 0, stalledNanos = 0;
        Samples startup = new Samples();
        for (Playback p : playbacks) {
            synchronized (p) {
                stalls += p.stalls(end);
                stalledNanos += p.stalledNanos(end);
                if (p.startupNanos() >= 0) {
                    startup.add(p.startupNanos());
                }
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("bytes", (double) bytes.get());
        out.put("throughputMbps", downloadNanos.get() == 0 ? Double.NaN : bytes.get() * 8e3 / downloadNanos.get());
        out.put("startupMs", GameMeter.ms(startup.percentile(100)));
        out.put("stalls", stalls);
        out.put("stallMs", stalledNanos / 1e6);
        out.put("errors", (double) errors.get());
        return out;
    }

    /**
     * {@code --clients N} browsers, each sending {@code --rate} requests a second, a connection each, timing
     * the first byte of the answer from the start of the connection ({@code --host} names the site).
     */
    static Map<String, Double> web(Run run) throws InterruptedException {
        InetSocketAddress server = run.endpoint("server");
        int clients = run.intArg("clients", 2), rate = run.intArg("rate", 5);
        byte[] request = ("GET /index.html HTTP/1.1\r\nHost: " + run.arg("host", "www.lab") + "\r\nUser-Agent: netpersona-lab\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        Samples ttfb = new Samples(), total = new Samples();
        AtomicLong errors = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofPlatform().start(() -> {
                long next = System.nanoTime();
                while (run.running()) {
                    long t0 = System.nanoTime();
                    try (Socket s = new Socket()) {
                        s.connect(server, 2000);
                        s.setSoTimeout(2000);
                        s.getOutputStream().write(request);
                        InputStream in = s.getInputStream();
                        if (in.read() < 0) {
                            throw new IOException("no answer");
                        }
                        long first = System.nanoTime();
                        in.transferTo(OutputStream.nullOutputStream());
                        long last = System.nanoTime();
                        synchronized (ttfb) {
                            ttfb.add(first - t0);
                            total.add(last - t0);
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                    }
                    next += 1_000_000_000L / rate;
                    run.sleepUntil(next);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("requests", (double) ttfb.offered());
        out.put("errors", (double) errors.get());
        out.put("ttfbP50Ms", GameMeter.ms(ttfb.percentile(50)));
        out.put("ttfbP95Ms", GameMeter.ms(ttfb.percentile(95)));
        out.put("ttfbP99Ms", GameMeter.ms(ttfb.percentile(99)));
        ttfb.quantilesMs("ttfbQ", out);
        out.put("totalP99Ms", GameMeter.ms(total.percentile(99)));
        return out;
    }

    /** One TCP connection attempt to {@code --server} within {@code --timeout-ms}: connected, refused or timed out. */
    static Map<String, Double> probe(Run run) {
        double connected = 0, refused = 0, timedOut = 0;
        try (Socket s = new Socket()) {
            s.connect(run.endpoint("server"), run.intArg("timeout-ms", 800));
            connected = 1;
        } catch (SocketTimeoutException e) {
            timedOut = 1;
        } catch (IOException e) {
            refused = 1;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("connected", connected);
        out.put("refused", refused);
        out.put("timedOut", timedOut);
        return out;
    }
}
