package io.netpersona.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's handle on {@link FleetControl} running in a JVM of its own: its ports, and its CPU time
 * and resident memory read from /proc, its heap asked over stdin.
 */
final class ControlProcess implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;
    final int grpcPort;
    final int httpPort;

    ControlProcess(Path data, Path certs, Path log, List<String> javaOptions) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow(() -> new IllegalStateException("the java command of this JVM is unknown")));
        command.addAll(List.of("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED"));
        command.addAll(javaOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FleetControl.class.getName(), data.toString(), certs.toString()));
        process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        String[] ready = expect("ready");
        grpcPort = Integer.parseInt(ready[1]);
        httpPort = Integer.parseInt(ready[2]);
    }

    long pid() {
        return process.pid();
    }

    /** CPU time (user and system) the control plane's process used so far. */
    Duration cpu() {
        return process.toHandle().info().totalCpuDuration().orElseThrow(() -> new IllegalStateException("no CPU time for pid " + pid()));
    }

    /** Resident set, KiB. */
    long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalStateException("/proc/" + pid() + "/status: no VmRSS");
    }

    /** Heap used after a full collection, MiB. */
    long heapMib() throws IOException {
        in.println("heap");
        return Long.parseLong(expect("heap")[1]);
    }

    private String[] expect(String word) throws IOException {
        String line = out.readLine();
        while (line != null && line.startsWith("[")) {
            // the JVM's own notes (-Xlog, JFR) on the same stdout
            System.err.println("control plane: " + line);
            line = out.readLine();
        }
        if (line == null || !line.startsWith(word + " ")) {
            throw new IllegalStateException("control plane (pid " + pid() + "): '" + line + "' (expected: '" + word + " ...'; its log may say why)");
        }
        return line.split(" ");
    }

    @Override
    public void close() throws InterruptedException {
        in.println("stop");
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
