package io.netpersona.substrate.linux;

import io.netpersona.substrate.SubstrateException;
import java.util.ArrayList;
import java.util.List;

/** Tasks run at the same time, each on a virtual thread (they wait for processes, not for the CPU). */
final class Concurrently {
    private Concurrently() {}

    /** Runs every task and waits for all; the first exception a task threw is thrown here. */
    static void runAll(List<Runnable> tasks) {
        Throwable[] thrown = new Throwable[1];
        List<Thread> threads = new ArrayList<>();
        for (Runnable task : tasks) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    synchronized (thrown) {
                        thrown[0] = thrown[0] == null ? e : thrown[0];
                    }
                }
            }));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SubstrateException("interrupted while waiting for the host", e);
            }
        }
        if (thrown[0] instanceof RuntimeException e) {
            throw e;
        } else if (thrown[0] instanceof Error e) {
            throw e;
        }
    }

    /** A task running on its own virtual thread; {@link #join} waits for it and throws what it threw. */
    static final class Result<T> {
        private final Thread thread;
        private volatile T value;
        private volatile Throwable thrown;

        private Result(java.util.function.Supplier<T> work) {
            thread = Thread.ofVirtual().start(() -> {
                try {
                    value = work.get();
                } catch (RuntimeException | Error e) {
                    thrown = e;
                }
            });
        }

        T join() {
            boolean interrupted = false;
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the task touches the host: it is never left running unseen
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (thrown instanceof RuntimeException e) {
                throw e;
            } else if (thrown instanceof Error e) {
                throw e;
            }
            return value;
        }
    }

    /** Starts {@code work} at once on its own virtual thread. */
    static <T> Result<T> supply(java.util.function.Supplier<T> work) {
        return new Result<>(work);
    }

    /** Starts {@code work} at once on its own virtual thread. */
    static Result<Void> start(Runnable work) {
        return new Result<>(() -> {
            work.run();
            return null;
        });
    }
}
