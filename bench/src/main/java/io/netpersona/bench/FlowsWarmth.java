package io.netpersona.bench;

import io.netpersona.learn.CaptureSummary;
import io.netpersona.learn.FlowMeter;
import io.netpersona.learn.Flows;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where {@code persona flows}' time goes on one thread, measured in one JVM: the same capture read again and
 * again, each round timed in this thread's CPU time (what other work on the machine distorts least). The
 * first round pays for the JIT's warm-up (interpreted and profiled code, not the compiler threads' own
 * CPU); later rounds run warm code. A round of {@link ReadFloor#records} beside each shows what reading and
 * walking the file costs by itself. Run with {@code -Dnetpersona.flows.twoThreadsFrom=-1} (bench/run does),
 * so that the whole pipeline runs on this thread.
 */
public final class FlowsWarmth {
    private FlowsWarmth() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: FlowsWarmth CAPTURE [ROUNDS]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        int rounds = args.length == 2 ? Integer.parseInt(args[1]) : 3;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int r = 1; r <= rounds; r++) {
            long t0 = mx.getCurrentThreadCpuTime();
            long records = ReadFloor.records(file);
            long t1 = mx.getCurrentThreadCpuTime();
            long[] flows = {0};
            CaptureSummary s = Flows.read(file, FlowMeter.Options.DEFAULTS, f -> flows[0]++, Flows.Progress.NONE);
            long t2 = mx.getCurrentThreadCpuTime();
            long frames = s.stats().frames();
            if (frames != records) {
                throw new IllegalStateException(file + ": the flows saw " + frames + " frames, the records walk " + records);
            }
            System.out.printf(Locale.ROOT, "round %d: %,d frames, %,d flows: read and walk %.0f ns/frame (%.2f s), "
                    + "whole pipeline %.0f ns/frame (%.2f s) of this thread's CPU%n", r, frames, flows[0],
                    (t1 - t0) / (double) frames, (t1 - t0) / 1e9, (t2 - t1) / (double) frames, (t2 - t1) / 1e9);
        }
    }
}
