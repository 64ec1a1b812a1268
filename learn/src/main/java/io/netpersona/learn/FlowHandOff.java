package io.netpersona.learn;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Makes ended flows into {@link Flow}s and hands them to a sink on a thread of its own, in the order they
 * ended, so that the metering thread does not wait for what the sink does with them (format a row, classify).
 * The queue between the two is bounded: a slow sink holds the meter back rather than letting flows pile up.
 * Ended flows cross in groups ({@link #flush()}, or {@link #GROUP} at most): one wake-up of the sink's thread
 * per group, not per flow, which cost both threads a futex call and a switch some 60,000 times for a 2 GB capture.
 * What the sink throws is thrown on the meter's thread, at the next group handed on or at {@link #close()}.
 */
final class FlowHandOff implements BiConsumer<FlowState, Flow.End>, AutoCloseable {
    /** Flows in a group at most. */
    static final int GROUP = 256;
    /**
     * Groups waiting for the sink at most: with the one being filled, at most 5 * {@link #GROUP} ended flows wait,
     * each keeping its state (about a kilobyte) until then.
     */
    static final int QUEUED = 4;

    /** Ended flows in the order they ended: states and ends side by side, {@code count} of them. */
    private static final class Group {
        final FlowState[] states = new FlowState[GROUP];
        final Flow.End[] ends = new Flow.End[GROUP];
        /** A QUIC Initial datagram of the flow to open ({@link FlowNames#quicOpened}) where its end is null. */
        final byte[][] datagrams = new byte[GROUP][];
        int count;
    }

    private static final Group DONE = new Group();

    private final BlockingQueue<Group> queue = new ArrayBlockingQueue<>(QUEUED);
    /** The group being filled on the meter's thread. */
    private Group filling = new Group();
    private final Consumer<EndedFlow> sink;
    /** The sink's view of each flow, reused on its thread. */
    private final EndedFlow view;
    private final Thread thread;
    /** What the sink threw, handed to the meter's thread; written before the thread ends. */
    private volatile Throwable failure;
    private boolean closed;

    FlowHandOff(FlowMeter meter, Consumer<EndedFlow> sink, String name) {
        this.sink = sink;
        this.view = new EndedFlow(name);
        this.thread = Thread.ofPlatform().name("flows of " + name).daemon().start(this::run);
        meter.handEndedTo(this);
    }

    private void run() {
        try {
            while (true) {
                Group g = queue.take();
                if (g == DONE) {
                    return;
                }
                for (int i = 0; i < g.count; i++) {
                    if (g.ends[i] == null) {
                        FlowNames.quicOpened(g.states[i], g.datagrams[i]);
                    } else {
                        sink.accept(view.of(g.states[i], g.ends[i]));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
    }

    @Override
    public void accept(FlowState state, Flow.End end) {
        Group g = filling;
        g.states[g.count] = state;
        g.ends[g.count] = end;
        if (++g.count == GROUP) {
            flush();
        }
    }

    /**
     * Hands on a QUIC Initial datagram of a flow, to be opened on the sink's thread before the flow is handed to
     * the sink: opening it is the costliest per-flow work of the meter's thread, and the sink's has time to spare.
     */
    void quic(FlowState state, byte[] datagram) {
        Group g = filling;
        g.states[g.count] = state;
        g.datagrams[g.count] = datagram;
        if (++g.count == GROUP) {
            flush();
        }
    }

    /** Hands on the flows that ended since the last group (the meter calls this after each batch of frames). */
    void flush() {
        Group g = filling;
        if (g.count > 0) {
            put(g);
            filling = new Group();
        }
    }

    private void put(Group e) {
        // once the sink has failed, every flow after it fails the same way: the reading stops with it
        rethrow();
        try {
            while (!queue.offer(e, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                // a sink that died takes nothing more: its failure is the meter's to report
                rethrow();
                if (!thread.isAlive()) {
                    throw new IllegalStateException("the thread that hands flows on has stopped");
                }
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            thread.interrupt();
            throw new IllegalStateException("interrupted while handing flows on", ie);
        }
    }

    /** Waits until the sink has taken every flow handed on so far; throws what the sink threw. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (thread.isAlive()) {
            flush();
            put(DONE);
        }
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                thread.interrupt();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        rethrow();
    }

    /** Stops the sink's thread without waiting for the flows still queued (the reading failed). */
    void abandon() {
        closed = true;
        thread.interrupt();
        try {
            // it stops at once unless the sink is stuck in a call of its own, which it is not to outlive by much
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void rethrow() {
        Throwable t = failure;
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
    }
}
