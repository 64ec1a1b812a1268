package io.netpersona.control;

import io.netpersona.store.Assignment;
import io.netpersona.store.ChangeEvent;
import io.netpersona.store.PersonaVersion;
import io.netpersona.store.Store;
import io.netpersona.store.StoreException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Carries repository changes to the connected agents. It follows the store's change feed, so a change made
 * through another replica sharing the database arrives too (within one poll interval); a change made through
 * this replica wakes it at once.
 */
final class Fanout implements AutoCloseable {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Fanout.class.getName());
    private static final long POLL_MS = 200;
    private static final int BATCH = 1000;

    private final Store store;
    private final AgentService agents;
    private final Metrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    private boolean pending;
    private volatile boolean stopped;
    private long revision;
    private final Thread thread;

    Fanout(Store store, AgentService agents, Metrics metrics) {
        this.store = store;
        this.agents = agents;
        this.metrics = metrics;
        this.revision = store.revision();
        this.thread = Thread.ofVirtual().name("fanout").start(this::run);
    }

    /** Something changed through this replica: look now rather than at the next poll. */
    void wake() {
        lock.lock();
        try {
            pending = true;
            woken.signal();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (!stopped) {
            lock.lock();
            try {
                if (!pending) {
                    woken.await(POLL_MS, TimeUnit.MILLISECONDS);
                }
                pending = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                step();
            } catch (StoreException e) {
                metrics.storeError();
            } catch (RuntimeException e) {
                // the step is done again from the same revision; the thread must outlive any one stream's failure
                LOG.log(java.util.logging.Level.WARNING, "fan-out: " + e, e);
            }
        }
    }

    private void step() {
        List<ChangeEvent> changes = store.changesSince(revision, BATCH);
        if (changes.isEmpty()) {
            return;
        }
        Set<String> nodes = new HashSet<>();
        Set<String> personas = new HashSet<>();
        for (ChangeEvent c : changes) {
            if (c.node() != null) {
                nodes.add(c.node());
            } else {
                personas.add(c.persona());
            }
        }
        // two reads for every node at once, instead of two for each node's stream
        Map<String, PersonaVersion> latest = new HashMap<>();
        store.personas().forEach(v -> latest.put(v.name(), v));
        List<Assignment> assignments = store.assignments();
        for (Assignment a : assignments) {
            if (personas.contains(a.persona())) {
                nodes.add(a.node());
            }
        }
        Map<String, Map<String, PersonaVersion>> desired = new HashMap<>();
        for (Assignment a : assignments) {
            PersonaVersion v = latest.get(a.persona());
            if (nodes.contains(a.node()) && v != null) {
                desired.computeIfAbsent(a.node(), k -> new HashMap<>()).put(a.persona(), v);
            }
        }
        agents.resync(nodes, desired, changes.getLast().revision());
        // only now: a step that failed on the repository is done again from the same revision at the next poll
        revision = changes.getLast().revision();
        if (changes.size() == BATCH) {
            wake();
        }
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
