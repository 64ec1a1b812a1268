package io.netpersona.lab.story;

import io.netpersona.lab.Lab;
import io.netpersona.lab.Site;
import io.netpersona.lab.report.LabReport;
import io.netpersona.substrate.linux.Commands;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Each application's sending rate, second by second, for the report's timeline: the byte counters of its
 * link's end in site-a's host (what the host receives from it is what it sends to its users), read with one
 * {@code ip -s -j link} a second, so the sampler costs one short process a second on a busy machine. Also
 * takes single points (a phase's p99) from the story.
 */
final class Timeline implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Lab lab;
    private final long startMillis;
    private final List<String> apps;
    private final Map<String, List<LabReport.Point>> mbps = new LinkedHashMap<>();
    private final Map<String, List<LabReport.Point>> extra = new LinkedHashMap<>();
    private final Map<String, String[]> extraMeta = new LinkedHashMap<>();
    private final Map<String, Long> lastBytes = new LinkedHashMap<>();
    private long lastAt;
    private volatile boolean running = true;
    private final Thread thread;

    Timeline(Lab lab, long startMillis, List<String> apps) {
        this.lab = lab;
        this.startMillis = startMillis;
        this.apps = List.copyOf(apps);
        apps.forEach(a -> mbps.put(a, new ArrayList<>()));
        this.thread = Thread.ofPlatform().daemon().name("lab-timeline").start(this::loop);
    }

    private void loop() {
        while (running) {
            try {
                sample();
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // a missed second (the lab going down, a busy machine): the chart shows a gap, the story goes on
            }
        }
    }

    private void sample() {
        Commands.Result r = lab.exec(lab.layout().host(Site.A), "ip", "-s", "-j", "link", "show");
        if (!r.ok()) {
            return;
        }
        long now = System.currentTimeMillis();
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (JsonNode link : JSON.readTree(r.stdout())) {
            String dev = link.path("ifname").asString("");
            for (String app : apps) {
                if (dev.equals(lab.layout().appPort(Site.A, app))) {
                    bytes.put(app, link.path("stats64").path("rx").path("bytes").asLong());
                }
            }
        }
        synchronized (this) {
            if (lastAt > 0) {
                double seconds = (now - lastAt) / 1000.0;
                for (var e : bytes.entrySet()) {
                    Long was = lastBytes.get(e.getKey());
                    if (was != null && e.getValue() >= was && seconds > 0) {
                        mbps.get(e.getKey()).add(new LabReport.Point(now - startMillis, (e.getValue() - was) * 8 / seconds / 1e6));
                    }
                }
            }
            lastBytes.putAll(bytes);
            lastAt = now;
        }
    }

    /** A single value of {@code app}'s {@code metric} at this moment (a phase's p99, say). */
    synchronized void point(String app, String metric, String unit, double value) {
        String key = app + "\u0000" + metric;
        extraMeta.putIfAbsent(key, new String[] {app, metric, unit});
        extra.computeIfAbsent(key, k -> new ArrayList<>()).add(new LabReport.Point(System.currentTimeMillis() - startMillis, value));
    }

    /** A value of {@code app}'s {@code metric} at {@code tMs} on the story's clock; the series is kept in time order. */
    synchronized void pointAt(String app, String metric, String unit, long tMs, double value) {
        String key = app + "\u0000" + metric;
        extraMeta.putIfAbsent(key, new String[] {app, metric, unit});
        List<LabReport.Point> points = extra.computeIfAbsent(key, k -> new ArrayList<>());
        points.add(new LabReport.Point(tMs, value));
        points.sort(Comparator.comparingLong(LabReport.Point::tMs));
    }

    /**
     * The p99 latency second by second where the clients measured it so (the game's players: {@code KEYS<i>P99Ms} for
     * second {@code i} from {@code KEYOriginEpochMs}), a point at the end of each second; false when they did not.
     */
    boolean perSecond(String app, String latencyKey, Map<String, Double> metrics) {
        Double origin = latencyKey == null ? null : metrics.get(latencyKey + "OriginEpochMs");
        if (origin == null) {
            return false;
        }
        Pattern key = Pattern.compile(Pattern.quote(latencyKey) + "S(\\d+)P99Ms");
        metrics.forEach((k, v) -> {
            Matcher m = key.matcher(k);
            if (m.matches()) {
                long end = origin.longValue() + (Long.parseLong(m.group(1)) + 1) * 1000L;
                pointAt(app, "p99 latency", "ms", end - startMillis, v);
            }
        });
        return true;
    }

    /** What {@code app} sent, second by second, so far. */
    synchronized List<LabReport.Point> sent(String app) {
        return List.copyOf(mbps.getOrDefault(app, List.of()));
    }

    synchronized List<LabReport.Series> series() {
        List<LabReport.Series> out = new ArrayList<>();
        mbps.forEach((app, points) -> out.add(new LabReport.Series(app, "sent", "Mbit/s", points)));
        extra.forEach((key, points) -> {
            String[] m = extraMeta.get(key);
            out.add(new LabReport.Series(m[0], m[1], m[2], points));
        });
        return out;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
