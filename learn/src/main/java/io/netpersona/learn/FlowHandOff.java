package io.netpersona.learn;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Makes ended flows into {@link Flow}s and hands them to a sink on a thread of its own, in the order they
 * ended, so that the metering thread does not wait for what the sink does with them (format a row, classify).
 * The queue between the two is bounded: a slow sink holds the meter back rather than letting flows pile up.
 * What the sink throws is thrown on the meter's thread, at the next flow that ends or at {@link #close()}.
 */
final class FlowHandOff implements BiConsumer<FlowState, Flow.End>, AutoCloseable {
    /** Ended flows waiting for the sink at most: each keeps its state (about a kilobyte) until then. */
    static final int QUEUED = 1024;

    private record Ended(FlowState state, Flow.End end) {
    }

    private static final Ended DONE = new Ended(null, null);

    private final BlockingQueue<Ended> queue = new ArrayBlockingQueue<>(QUEUED);
    private final FlowMeter meter;
    private final Consumer<Flow> sink;
    private final Thread thread;
    /** What the sink threw, handed to the meter's thread; written before the thread ends. */
    private volatile Throwable failure;
    private boolean closed;

    FlowHandOff(FlowMeter meter, Consumer<Flow> sink, String name) {
        this.meter = meter;
        this.sink = sink;
        this.thread = Thread.ofPlatform().name("flows of " + name).daemon().start(this::run);
        meter.handEndedTo(this);
    }

    private void run() {
        try {
            while (true) {
                Ended e = queue.take();
                if (e == DONE) {
                    return;
                }
                sink.accept(meter.toFlow(e.state(), e.end()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
    }

    @Override
    public void accept(FlowState state, Flow.End end) {
        put(new Ended(state, end));
    }

    private void put(Ended e) {
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
