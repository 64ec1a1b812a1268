package io.netpersona.control;

import io.netpersona.store.Store;
import io.netpersona.store.StoreException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records what agents report running, off their streams: thousands of agents acknowledge one change at the
 * same moment, and a write per acknowledgement on the stream's thread made them wait for the repository's
 * connections until their streams failed (5,000 agents on SQLite). Reports are last-writer-wins, so only
 * the newest of each node is written, by one thread, every {@link #INTERVAL_MS}, all of them together in a
 * few transactions (a commit per node kept the database busy for seconds after a change to 10,000 agents,
 * and the next persona change waited behind it).
 */
final class SeenWriter implements AutoCloseable {
    static final long INTERVAL_MS = 100;

    private final Store store;
    private final Metrics metrics;
    private final Map<String, Map<String, Integer>> pending = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean stopped;

    SeenWriter(Store store, Metrics metrics) {
        this.store = store;
        this.metrics = metrics;
        this.thread = Thread.ofVirtual().name("seen-writer").start(this::run);
    }

    void seen(String node, Map<String, Integer> running) {
        pending.put(node, Map.copyOf(running));
    }

    private void run() {
        while (!stopped) {
            try {
                Thread.sleep(INTERVAL_MS);
            } catch (InterruptedException e) {
                break;
            }
            drain();
        }
        drain();
    }

    private void drain() {
        Map<String, Map<String, Integer>> batch = new HashMap<>();
        for (String node : new ArrayList<>(pending.keySet())) {
            Map<String, Integer> running = pending.remove(node);
            if (running != null) {
                batch.put(node, running);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            store.agentsSeen(batch);
        } catch (StoreException e) {
            metrics.storeError();
            if (e.reason() == StoreException.Reason.UNAVAILABLE) {
                // kept for the next round unless a newer report came meanwhile (a chunk may have been written:
                // writing it again is harmless, the reports replace each other)
                batch.forEach(pending::putIfAbsent);
            }
        }
    }

    /** Waits until every report received so far is written; for an orderly stop. */
    @Override
    public void close() {
        // no interrupt: it could cut a write to the repository short; the loop sleeps 100 ms at most
        stopped = true;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
