package io.netpersona.lab.story;

import io.netpersona.lab.LabLayout;
import io.netpersona.lab.Site;
import io.netpersona.lab.report.LabReport;
import io.netpersona.lab.traffic.AppResult;
import io.netpersona.lab.traffic.TrafficApp;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * One application of the story: its server behind site-a's host, its clients on a client host, and how its
 * users judge it (which of the clients' numbers are its latency, throughput and loss).
 *
 * @param name the application's name in the lab (its namespace is {@code PREFIXa-NAME}) and its persona's
 * @param client which client host (1 or 2) its users sit on
 * @param latencyKey the clients' metric prefix for latency ({@code rtt}, {@code latency}, {@code ttfb}), null for none
 * @param measure what "better" means for it
 */
record StoryApp(String name, int client, String latencyKey, LabReport.Measure measure, Server server, Clients clients) {
    /**
     * The competing load: a bulk job nobody learned, filling the uplink; not one of the five applications. It moves
     * its data one connection after another (2 s each), as a job copying file after file does, so a change to its
     * routes reaches it within the fault. (The backup keeps long streams: the learner's classifier tells those
     * apart as bulk; a run of short connections it does not class reliably.)
     */
    static final String LOAD = "load";

    interface Server {
        TrafficApp make();
    }

    interface Clients {
        TrafficApp make(InetSocketAddress server);
    }

    /** The five applications of the issue, then the load; ports as the real services use them. */
    static List<StoryApp> all() {
        return List.of(
                new StoryApp("arena", 1, "rtt", LabReport.Measure.LATENCY, () -> TrafficApp.gameServer(27015),
                        s -> TrafficApp.gameClients(at(s, 27015), 4, 60)),
                new StoryApp("video", 2, null, LabReport.Measure.THROUGHPUT, () -> TrafficApp.videoServer(8080),
                        s -> TrafficApp.videoClients(at(s, 8080), 2, 2500)),
                new StoryApp("db", 1, "latency", LabReport.Measure.LATENCY, () -> TrafficApp.dbServer(5432),
                        s -> TrafficApp.dbClients(at(s, 5432), 4, 40)),
                new StoryApp("web", 1, "ttfb", LabReport.Measure.LATENCY, () -> TrafficApp.webServer(80),
                        s -> TrafficApp.webClients(at(s, 80), "www.lab", 2, 10)),
                // three streams paced at 6 Mbit/s: a backup that would take most of the uplink if left to it
                new StoryApp("backup", 2, null, LabReport.Measure.THROUGHPUT, () -> TrafficApp.bulkServer(873, 6),
                        s -> TrafficApp.bulkClients(at(s, 873), 3)),
                new StoryApp(LOAD, 2, null, LabReport.Measure.THROUGHPUT, () -> TrafficApp.bulkServer(9000, 100),
                        s -> TrafficApp.bulkClients(at(s, 9000), 4).with("chunk-seconds", 2)));
    }

    /** The five applications without the load. */
    static List<StoryApp> measured() {
        return all().stream().filter(a -> !a.name().equals(LOAD)).toList();
    }

    static List<String> names() {
        return all().stream().map(StoryApp::name).toList();
    }

    String namespace(LabLayout layout) {
        return layout.app(Site.A, name);
    }

    String clientNamespace(LabLayout layout) {
        return layout.client(client);
    }

    InetSocketAddress address(LabLayout layout) {
        return new InetSocketAddress(InetAddress.ofLiteral(layout.appAddress(Site.A, name)), 0);
    }

    TrafficApp clientsOf(LabLayout layout) {
        return clients.make(address(layout));
    }

    private static InetSocketAddress at(InetSocketAddress host, int port) {
        return new InetSocketAddress(host.getAddress(), port);
    }

    /** The clients' result as a phase of the report: latency percentiles, throughput, loss, where this application has them. */
    LabReport.Phase phase(AppResult r) {
        Double p50 = latencyKey == null ? null : number(r, latencyKey + "P50Ms");
        Double p99 = latencyKey == null ? null : number(r, latencyKey + "P99Ms");
        Double mbps = number(r, "throughputMbps");
        Double loss = number(r, "lossPct");
        long samples = Math.round(firstOf(r, "updates", "requests", "bytes"));
        return new LabReport.Phase(p50, p99, mbps, loss, samples, quantiles(r));
    }

    /** The 101 whole percentiles the clients measured, for the distribution chart; none when any is missing. */
    private List<Double> quantiles(AppResult r) {
        if (latencyKey == null) {
            return List.of();
        }
        List<Double> q = new java.util.ArrayList<>(101);
        for (int p = 0; p <= 100; p++) {
            Double v = number(r, latencyKey + "Q" + p);
            if (v == null) {
                return List.of();
            }
            q.add(v);
        }
        return q;
    }

    private static Double number(AppResult r, String key) {
        Double v = r.metrics().get(key);
        return v == null || v.isNaN() || v.isInfinite() ? null : v;
    }

    private static double firstOf(AppResult r, String... keys) {
        for (String k : keys) {
            Double v = number(r, k);
            if (v != null) {
                return v;
            }
        }
        return 0;
    }
}
