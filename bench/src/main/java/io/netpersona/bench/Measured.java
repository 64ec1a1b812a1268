package io.netpersona.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Runs a process from an argument list, timed from start to exit, its peak RSS and CPU time polled from /proc. */
final class Measured {
    private Measured() {
    }

    static FlowsBenchmark.Result run(String name, List<String> command) throws IOException, InterruptedException {
        Path err = Files.createTempFile("bench-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(err.toFile());
            long start = System.nanoTime();
            Process p = pb.start();
            Path status = Path.of("/proc", Long.toString(p.pid()), "status");
            long peak = 0;
            java.time.Duration cpu = java.time.Duration.ZERO;
            while (p.isAlive()) {
                peak = Math.max(peak, highWaterMark(status));
                // the last reading before the exit: short of the whole by at most one poll's worth
                cpu = p.toHandle().info().totalCpuDuration().orElse(cpu);
                Thread.sleep(5);
            }
            int exit = p.waitFor();
            double seconds = (System.nanoTime() - start) / 1e9;
            return new FlowsBenchmark.Result(name, seconds, cpu.toNanos() / 1e9, peak, exit, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** VmHWM, the peak resident set, in KiB; 0 once the process is gone. */
    private static long highWaterMark(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended between the check and the read
        }
        return 0;
    }
}
