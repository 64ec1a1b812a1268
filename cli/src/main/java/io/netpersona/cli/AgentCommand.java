package io.netpersona.cli;

import io.netpersona.agent.Agent;
import io.netpersona.agent.AgentException;
import io.netpersona.identity.CertificateDir;
import io.netpersona.identity.IdentityException;
import io.netpersona.identity.TlsContexts;
import io.netpersona.substrate.SubstrateException;
import io.netpersona.substrate.linux.LinuxSubstrate;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "agent",
        description = {"Run this host's agent: it connects to the control plane with the node's certificate, applies the "
                + "personas assigned to the node (answering each update with ACK, or NACK and the reason), runs the "
                + "adaptation engine for them, and reports observations and the engine's journal.", "",
                "Fail static: when the control plane cannot be reached, or the agent stops, every persona stays as it is; "
                + "the agent reconnects with backoff (up to 30 s) and says so once per attempt. It remembers what it was "
                + "told in --state and converges on it when it starts again, also after a crash in the middle of an apply.", ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  persona certs issue /srv/np/certs edge-01    where the CA is; then copy",
            "                                               ca.crt, edge-01.crt, edge-01.key",
            "  sudo persona agent --server cp.example:7443 \\",
            "      --certs /etc/netpersona/certs --node edge-01",
            "",
            "Changing the kernel needs root. The host picture comes from --picture, or",
            "from the lab's /run/netpersona/lab/host-picture.json when a lab runs.",
            "Stop it with Ctrl-C or SIGTERM: the personas stay."
        },
        mixinStandardHelpOptions = true)
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--server", required = true, paramLabel = "HOST:PORT", description = "The control plane's gRPC address.")
    String server;

    @Option(names = "--certs", required = true, paramLabel = "DIR", description = "Holds ca.crt, NODE.crt and NODE.key.")
    Path certs;

    @Option(names = "--node", required = true, paramLabel = "NODE", description = "This host's node name, as in its certificate.")
    String node;

    @Option(names = "--picture", paramLabel = "FILE", description = "Host picture JSON (default: the lab's, when it exists; else none).")
    Path picture;

    @Option(names = "--state", paramLabel = "DIR", defaultValue = "/var/lib/netpersona/agent",
            description = "The agent's folder: what it was assigned and runs, the engine's journal (default: ${DEFAULT-VALUE}).")
    Path state;

    @Option(names = "--host-state", paramLabel = "DIR", description = "The substrate's records of what it changed "
            + "(default: " + "/run/netpersona/host" + ", as 'persona host').")
    Path hostState = LinuxSubstrate.DEFAULT_STATE;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Held, because java.util.logging keeps loggers only weakly and would forget their levels. */
    private static final List<Logger> QUIET = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int colon = server.lastIndexOf(':');
        int port;
        try {
            port = colon < 1 ? -1 : Integer.parseInt(server.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            err.println("persona agent: --server: " + server + " (expected: HOST:PORT, the control plane's gRPC address, port 1..65535)");
            return Main.USAGE;
        }
        try {
            // named here, before anything runs: which file is missing, and what it is
            TlsContexts.client(new CertificateDir(certs), node);
        } catch (IdentityException e) {
            err.println("persona agent: certs: " + e.getMessage() + " (make them with 'persona certs issue DIR " + node
                    + "' where the CA is, and copy ca.crt, " + node + ".crt and " + node + ".key here)");
            return Main.FAILED;
        }
        if (!HostCommand.isRoot()) {
            err.println("persona agent: applying personas changes the kernel's network state and needs root "
                    + "(or CAP_NET_ADMIN and CAP_SYS_ADMIN); run it with sudo");
            return Main.FAILED;
        }
        for (String name : List.of("io.grpc.netty.shaded", "io.netty")) {
            Logger l = Logger.getLogger(name);
            l.setLevel(Level.SEVERE); // the transport's own retries would repeat what the agent says once
            QUIET.add(l);
        }
        Agent agent;
        try {
            LinuxSubstrate substrate = HostCommand.substrate(picture, hostState);
            agent = Agent.start(new Agent.Options(server.substring(0, colon), port, certs, node, state, line -> log(out, line)), substrate);
        } catch (AgentException | IdentityException | SubstrateException | IllegalArgumentException e) {
            err.println("persona agent: " + e.getMessage());
            return Main.FAILED;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log(out, "stopping: the stream closes, every persona stays as it is");
            agent.close();
            stopped.countDown();
        }, "persona-agent-stop"));
        log(out, "agent of node " + node + " started; running " + agent.running() + "; control plane " + server);
        stopped.await();
        return Main.OK;
    }

    private static void log(PrintWriter out, String line) {
        synchronized (out) {
            out.println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + line);
            out.flush();
        }
    }
}
