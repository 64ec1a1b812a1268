package io.netpersona.lab.traffic;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A server's own dependency, as real services have one: a database or replica it finds by name through a DNS
 * resolver (asked again every half second, as a short TTL and several workers make a busy service do) and keeps one connection to, with a
 * small request every 100 ms ({@link Servers#database} answers it). Options: {@code --peer-name NAME
 * --peer-port P --dns IP}, or {@code --peer IP:PORT} without a name.
 */
final class Backend {
    static final long RESOLVE_EVERY = 500_000_000L, QUERY_EVERY = 100_000_000L;
    private final Run run;
    private final Samples latency = new Samples();
    private long lookups, lookupFailures, queries, errors;

    private Backend(Run run) {
        this.run = run;
    }

    /** Starts the dependency's traffic on a thread of its own when the options ask for one; null otherwise. */
    static Backend startIfWanted(Run run) {
        if (!run.has("peer") && !run.has("peer-name")) {
            return null;
        }
        Backend b = new Backend(run);
        Thread.ofPlatform().name("backend").daemon().start(b::loop);
        return b;
    }

    private void loop() {
        InetSocketAddress at = run.has("peer") ? run.endpoint("peer") : null;
        long nextLookup = System.nanoTime();
        Socket s = null;
        try {
            while (run.running()) {
                if (run.has("peer-name") && System.nanoTime() >= nextLookup) {
                    InetAddress a = Dns.ask(run.arg("peer-name"), InetAddress.ofLiteral(run.arg("dns")));
                    synchronized (this) {
                        lookups++;
                        lookupFailures += a == null ? 1 : 0;
                    }
                    if (a != null && (at == null || !at.getAddress().equals(a))) {
                        at = new InetSocketAddress(a, run.intArg("peer-port", 5432));
                        s = close(s);
                    }
                    nextLookup += RESOLVE_EVERY;
                }
                if (at != null) {
                    s = query(s, at);
                }
                run.sleepUntil(System.nanoTime() + QUERY_EVERY);
            }
        } finally {
            close(s);
        }
    }

    private Socket query(Socket s, InetSocketAddress at) {
        try {
            if (s == null) {
                s = new Socket();
                s.connect(at, 1000);
                s.setSoTimeout(1000);
                s.setTcpNoDelay(true);
            }
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            long t0 = System.nanoTime();
            out.write(Run.payload(Servers.REQUEST, Servers.REQUEST));
            if (in.readNBytes(Servers.ANSWER).length != Servers.ANSWER) {
                throw new IOException("the peer closed the connection");
            }
            synchronized (this) {
                queries++;
                latency.add(System.nanoTime() - t0);
            }
            return s;
        } catch (IOException e) {
            synchronized (this) {
                errors++;
            }
            return close(s);
        }
    }

    private static Socket close(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // a broken connection is replaced by a new one
            }
        }
        return null;
    }

    synchronized Map<String, Double> result() {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("lookups", (double) lookups);
        out.put("lookupFailures", (double) lookupFailures);
        out.put("backendQueries", (double) queries);
        out.put("backendErrors", (double) errors);
        out.put("backendP99Ms", GameMeter.ms(latency.percentile(99)));
        return out;
    }
}
