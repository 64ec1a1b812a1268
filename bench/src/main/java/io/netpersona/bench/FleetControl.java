package io.netpersona.bench;

import io.netpersona.control.ControlPlane;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The control plane of the agents benchmark, in a JVM of its own so that the CPU and memory measured are
 * its own and not the simulated agents', with the JVM's default options as {@code persona serve} has them. It answers on stdin/stdout: it prints {@code ready GRPC HTTP} once
 * listening, {@code heap MIB} (used after a full collection) for each {@code heap} line read, and stops
 * at {@code stop} or at the end of its input (the benchmark died).
 * Arguments: {@code DATA CERTS}.
 */
public final class FleetControl {
    private FleetControl() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("arguments: " + String.join(" ", args) + " (expected: DATA_DIR CERTS_DIR)");
        }
        try (ControlPlane cp = ControlPlane.start(new ControlPlane.Config(Path.of(args[0]), Path.of(args[1]), "127.0.0.1", 0,
                "127.0.0.1", 0, null), Clock.systemUTC())) {
            System.out.println("ready " + cp.grpcPort() + " " + cp.httpPort());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null && !line.equals("stop"); ) {
                if (line.equals("heap")) {
                    System.gc();
                    System.out.println("heap " + (ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20));
                    System.out.flush();
                }
            }
        }
    }
}
