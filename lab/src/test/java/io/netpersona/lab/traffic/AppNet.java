package io.netpersona.lab.traffic;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netpersona.substrate.linux.Commands;
import io.netpersona.substrate.linux.TestNet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The substrate's {@link TestNet} for a test's applications: their processes go with its namespaces on close,
 * and by its shutdown hook when the run is interrupted. Skips the calling test, with the reason, where
 * namespaces or tcpdump are missing.
 */
final class AppNet implements AutoCloseable {
    private final TestNet net = new TestNet();
    final Commands commands = net.commands();
    final Path state = net.stateDir();

    AppNet() {
        boolean tcpdump = commands.run(List.of("tcpdump", "--version"), null).ok();
        if (!tcpdump) {
            net.close(); // the test never gets this object to close
        }
        assumeTrue(tcpdump, "skipped: a live capture needs tcpdump (Debian: apt-get install tcpdump; CI installs it)");
    }

    String ns(String name) {
        return net.ns(name);
    }

    /** A veth pair between two namespaces, with an IPv4 address (CIDR) at each end, both up. */
    void link(String nsA, String devA, String addrA, String nsB, String devB, String addrB) {
        net.link(nsA, devA, addrA, nsB, devB, addrB);
    }

    /** Starts an application that is killed on close, whatever the test did with it. */
    AppProcess start(String ns, TrafficApp app, Duration duration) {
        return net.track(app.start(ns, duration));
    }

    @Override
    public void close() {
        net.close();
    }
}
