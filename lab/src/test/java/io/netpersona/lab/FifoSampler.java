package io.netpersona.lab;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Samples the backlog of a wire port's 1000-packet FIFO every 50 ms while a transfer runs: where its queue forms, read
 * from the kernel's counters rather than from a probe's round trips, which a busy machine's CPU stalls lengthen too.
 */
final class FifoSampler implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Lab lab;
    private final String namespace, device;
    private final List<Long> bytes = new ArrayList<>();
    private volatile boolean running = true;
    private final Thread thread;

    FifoSampler(Lab lab, String namespace, String device) {
        this.lab = lab;
        this.namespace = namespace;
        this.device = device;
        this.thread = Thread.ofVirtual().start(this::sample);
    }

    private void sample() {
        while (running) {
            long b = backlog();
            synchronized (bytes) {
                bytes.add(b);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The FIFO's backlog in bytes now. */
    long backlog() {
        var r = lab.exec(namespace, "tc", "-s", "-j", "qdisc", "show", "dev", device);
        if (!r.ok()) {
            throw new AssertionError("tc qdisc show dev " + device + " in " + namespace + ": " + r.complaint());
        }
        for (JsonNode q : JSON.readTree(r.stdout())) {
            if (q.path("kind").asString("").equals("pfifo")) {
                return q.path("backlog").asLong();
            }
        }
        throw new AssertionError("no pfifo on " + device + " in " + namespace + ": " + r.stdout());
    }

    /** The samples after the first {@code skip}, sorted. */
    List<Long> after(int skip) {
        synchronized (bytes) {
            return bytes.subList(Math.min(skip, bytes.size()), bytes.size()).stream().sorted().toList();
        }
    }

    /** The median backlog of the samples after the first {@code skip}. */
    long median(int skip) {
        List<Long> s = after(skip);
        if (s.isEmpty()) {
            throw new AssertionError("no samples of " + device + " after the first " + skip);
        }
        return s.get(s.size() / 2);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
    }
}
