package io.netpersona.engine;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * Virtual time for the runner: tasks wait in a queue by due time, and {@link #advance} runs each due
 * task in order on the test's thread, with the clock set to its due time first.
 */
final class ManualScheduler implements Scheduler {
    private record Task(long due, long seq, Runnable run, boolean[] cancelled) {}

    private final FakeClock clock;
    private final PriorityQueue<Task> queue = new PriorityQueue<>((a, b) -> a.due() != b.due()
            ? Long.compare(a.due(), b.due()) : Long.compare(a.seq(), b.seq()));
    private long seq;

    ManualScheduler(FakeClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        boolean[] cancelled = {false};
        queue.add(new Task(clock.millis() + delay.toMillis(), seq++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Moves the clock forward by {@code d}, running every task that falls due on the way. */
    void advance(Duration d) {
        long end = clock.millis() + d.toMillis();
        while (true) {
            Task t;
            synchronized (this) {
                t = queue.peek();
                if (t == null || t.due() > end) {
                    break;
                }
                queue.poll();
            }
            clock.set(Math.max(clock.millis(), t.due()));
            if (!t.cancelled()[0]) {
                t.run().run();
            }
        }
        clock.set(end);
    }

    synchronized int waiting() {
        return (int) queue.stream().filter(t -> !t.cancelled()[0]).count();
    }
}
