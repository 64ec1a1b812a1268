package io.netpersona.control;

import io.netpersona.store.Assignment;
import io.netpersona.store.ChangeEvent;
import io.netpersona.store.Store;
import io.netpersona.store.StoreException;
import java.util.HashSet;
import java.util.List;
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
            }
        }
    }

    private void step() {
        List<ChangeEvent> changes = store.changesSince(revision, BATCH);
        if (changes.isEmpty()) {
            agents.resync(Set.of());
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
        if (!personas.isEmpty()) {
            for (Assignment a : store.assignments()) {
                if (personas.contains(a.persona())) {
                    nodes.add(a.node());
                }
            }
        }
        revision = changes.getLast().revision();
        agents.resync(nodes);
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
