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
}
