package io.netpersona.agent;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.netpersona.engine.EngineSettings;
import io.netpersona.identity.CertificateDir;
import io.netpersona.identity.TlsContexts;
import io.netpersona.proto.agent.v1.AgentServiceGrpc;
import io.netpersona.proto.agent.v1.Capability;
import io.netpersona.proto.agent.v1.CapabilityReport;
import io.netpersona.proto.agent.v1.RegisterRequest;
import io.netpersona.proto.agent.v1.RegisterResponse;
import io.netpersona.substrate.Capabilities;
import io.netpersona.substrate.Substrate;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The agent of one node: registers with its node certificate, holds the Connect stream, realises what the
 * control plane assigns through the {@link Substrate}, answers each update with one Ack or Nack in order,
 * and reports observations, the local engine's journal and its capabilities.
 *
 * <p><b>Fail static.</b> Nothing the agent runs depends on the connection: when the control plane cannot be
 * reached, or the agent stops, every persona stays as it is. The agent reconnects with exponential backoff
 * (with jitter, up to a cap), starting again at Register, and its Hello restates what it runs.
 *
 * <p><b>Threads.</b> One worker thread does everything that touches the host or the state folder (the
 * start's convergence, updates, Hello), so answers leave in the order the updates came; one thread holds
 * the connection; one sends observations and journal entries.
 */
public final class Agent implements AutoCloseable {
    /**
     * How to run.
     *
     * @param stateDir the agent's own folder: agent-state.json (what it was told and what runs) and journal.db
     * @param log where the agent says what it does, a line at a time (never a stack trace)
     */
    public record Options(String host, int port, Path certs, String node, Path stateDir, Duration backoffInitial,
            Duration backoffMax, EngineSettings engine, String agentVersion, Consumer<String> log) {
        public Options {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(certs, "certs");
            Objects.requireNonNull(stateDir, "stateDir");
            if (port < 1 || port > 65535) {
                throw new AgentException("server port: " + port + " (expected: 1..65535)");
            }
            CertificateDir.checkNode(node);
        }

        public Options(String host, int port, Path certs, String node, Path stateDir, Consumer<String> log) {
            this(host, port, certs, node, stateDir, Duration.ofMillis(500), Duration.ofSeconds(30), EngineSettings.defaults(),
                    "0.1.0", log);
        }

        public Options withBackoff(Duration initial, Duration max) {
            return new Options(host, port, certs, node, stateDir, initial, max, engine, agentVersion, log);
        }

        public Options withEngine(EngineSettings settings) {
            return new Options(host, port, certs, node, stateDir, backoffInitial, backoffMax, settings, agentVersion, log);
        }

        String server() {
            return host + ":" + port;
        }
    }

    private final Options options;
    private final Substrate substrate;
    private final SslContext tls;
    private final LocalState state;
    private final LocalEngine engine;
    private final Applier applier;
    private final Observer observer;
    private final Backoff backoff;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "agent-worker"));
    private final Object lock = new Object();
    private volatile boolean stopped;
    private volatile long intervalMs = 1000;
    private volatile Session session;
    private ManagedChannel channel;
    private Thread connector;
    private Thread reporter;

    private Agent(Options options, Substrate substrate, SslContext tls) {
        this.options = options;
        this.substrate = substrate;
        this.tls = tls;
        this.state = LocalState.load(options.stateDir());
        this.engine = new LocalEngine(substrate, options.stateDir(), options.engine());
        this.applier = new Applier(substrate, state, engine, options.log());
        this.observer = new Observer(substrate, options.log());
        this.backoff = new Backoff(options.backoffInitial(), options.backoffMax(), new java.util.Random());
    }

    /**
     * Reads the certificates (a missing file is named here, before anything runs), converges the host on
     * the state folder, and starts connecting. Returns once the host has converged; the connection comes
     * up in the background.
     */
    public static Agent start(Options options, Substrate substrate) {
        SslContext tls = TlsContexts.client(new CertificateDir(options.certs()), options.node());
        Agent a = new Agent(options, substrate, tls);
        try {
            a.worker.submit(a.applier::converge).get();
        } catch (Exception e) {
            a.close();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new AgentException("converging on the state in " + options.stateDir() + ": " + cause.getMessage(), cause);
        }
        a.connector = Thread.ofPlatform().name("agent-connect").daemon().start(a::connectLoop);
        a.reporter = Thread.ofPlatform().name("agent-report").daemon().start(a::reportLoop);
        return a;
    }

    /** persona -> version of what the host runs now. */
    public Map<String, Long> running() {
        return applier.running();
    }

    /** Whether the stream is up and the control plane has answered the Hello. */
    public boolean connected() {
        Session s = session;
        return s != null && s.caughtUp();
    }

    private void connectLoop() {
        while (!stopped) {
            Duration wait;
            try {
                Status end = session();
                if (stopped) {
                    return;
                }
                wait = backoff.next();
                options.log().accept("control plane " + options.server() + ": stream ended (" + describe(end) + "); reconnecting in "
                        + seconds(wait) + "; everything keeps running meanwhile");
            } catch (StatusRuntimeException e) {
                if (stopped) {
                    return;
                }
                wait = backoff.next();
                options.log().accept("control plane " + options.server() + ": " + describe(e.getStatus()) + "; retrying in "
                        + seconds(wait) + "; everything keeps running meanwhile");
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One registration and stream, to its end. */
    private Status session() throws InterruptedException {
        ManagedChannel ch = NettyChannelBuilder.forAddress(options.host(), options.port()).sslContext(tls)
                .keepAliveTime(20, TimeUnit.SECONDS).keepAliveTimeout(10, TimeUnit.SECONDS)
                // gRPC's default window (1 MiB), fixed as the control plane's: auto-tuning it sent a PING after each
                // update received, an extra TLS record each way for messages that never fill the window
                .flowControlWindow(1 << 20).build();
        synchronized (lock) {
            if (stopped) {
                ch.shutdownNow();
                return Status.CANCELLED;
            }
            channel = ch;
        }
        try {
            RegisterResponse r = AgentServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .register(RegisterRequest.newBuilder().setNode(options.node()).setAgentVersion(options.agentVersion())
                            .setHostname(hostname()).setCapabilities(capabilities()).build());
            if (r.getObservationIntervalMs() > 0) {
                intervalMs = r.getObservationIntervalMs();
            }
            Session s = new Session(this, options.node(), r.getSessionId());
            session = s;
            s.open(AgentServiceGrpc.newStub(ch));
            // Hello goes through the worker: it restates what runs after the update in progress, if any
            try {
                worker.submit(() -> s.hello(applier.running())).get();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.RejectedExecutionException e) {
                return Status.CANCELLED.withDescription("the agent is stopping");
            }
            s.sendCapabilities(capabilities());
            return s.ended();
        } finally {
            session = null;
            ch.shutdownNow();
        }
    }

    /** The control plane answered the Hello: the next outage waits from the start again. */
    void caughtUp() {
        backoff.reset();
        options.log().accept("connected to the control plane " + options.server() + " as node " + options.node()
                + "; running " + applier.running());
    }

    /** Handles one update on the worker, in arrival order; the answer goes to the stream it came on. */
    void received(Session s, String nonce, io.netpersona.proto.agent.v1.AssignmentUpdate u) {
        try {
            worker.execute(() -> s.answer(nonce, update(u), applier.running()));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the agent is stopping: the update is not answered, and the next Hello says what runs
        }
    }

    /** The refusals of an update; one that failed as a whole (the state folder cannot be written) refuses all of it. */
    private java.util.List<io.netpersona.proto.agent.v1.Refusal> update(io.netpersona.proto.agent.v1.AssignmentUpdate u) {
        try {
            return applier.update(u);
        } catch (RuntimeException e) {
            options.log().accept("update failed: " + e.getMessage());
            java.util.List<io.netpersona.proto.agent.v1.Refusal> all = new java.util.ArrayList<>();
            u.getAssignmentsList().forEach(a -> all.add(io.netpersona.proto.agent.v1.Refusal.newBuilder().setPersona(a.getPersona())
                    .setVersion(a.getVersion()).setReason("agent: " + e.getMessage()).build()));
            u.getRemovalsList().forEach(n -> all.add(io.netpersona.proto.agent.v1.Refusal.newBuilder().setPersona(n)
                    .setReason("agent: removal failed: " + e.getMessage()).build()));
            return all;
        }
    }

    private void reportLoop() {
        while (!stopped) {
            try {
                Thread.sleep(intervalMs);
            } catch (InterruptedException e) {
                return;
            }
            Session s = session;
            if (s == null || !s.caughtUp()) {
                continue;
            }
            try {
                s.send(io.netpersona.proto.agent.v1.AgentMessage.newBuilder()
                        .setObservations(observer.observe(applier.runningPersonas(), applier.running(), System.currentTimeMillis()))
                        .build());
                s.flushJournal(engine.journal());
            } catch (RuntimeException e) {
                options.log().accept("observations: " + e.getMessage());
            }
        }
    }

    private CapabilityReport capabilities() {
        CapabilityReport.Builder b = CapabilityReport.newBuilder().setSubstrate(substrate.name());
        try {
            Capabilities c = substrate.capabilities();
            c.features().values().forEach(f -> b.addCapabilities(Capability.newBuilder().setName(f.name())
                    .setAvailable(f.available()).setReason(f.reason() == null ? "" : f.reason())));
        } catch (RuntimeException e) {
            b.addCapabilities(Capability.newBuilder().setName("probe").setAvailable(false).setReason(String.valueOf(e.getMessage())));
        }
        return b.build();
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    static String describe(Status s) {
        String d = s.getDescription();
        String cause = s.getCause() == null ? null : s.getCause().getMessage();
        return switch (s.getCode()) {
            case UNAVAILABLE -> "unreachable (" + (cause != null && cause.contains("Connection refused") ? "connection refused"
                    : cause != null ? cause : d != null ? d : "no reason given") + ")";
            case DEADLINE_EXCEEDED -> "no answer within 10 s";
            default -> s.getCode() + (d != null ? ": " + d : cause != null ? ": " + cause : "");
        };
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    Consumer<String> log() {
        return options.log();
    }

    /**
     * Stops without touching the host: the stream is closed, an update in progress finishes, every persona
     * stays as it is (fail static), and the state folder says what runs for the next start.
     */
    @Override
    public void close() {
        stopped = true;
        Session s = session;
        if (s != null) {
            s.complete();
        }
        if (connector != null) {
            connector.interrupt();
        }
        if (reporter != null) {
            reporter.interrupt();
        }
        worker.shutdown();
        try {
            if (!worker.awaitTermination(60, TimeUnit.SECONDS)) {
                options.log().accept("an apply did not finish within 60 s of the stop; the next start converges");
            }
            if (connector != null) {
                connector.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            if (channel != null) {
                channel.shutdownNow();
            }
        }
        engine.close();
    }
}
