package io.netpersona.control;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.netpersona.proto.agent.v1.AgentServiceGrpc;
import io.javalin.Javalin;
import io.netpersona.identity.CertificateDir;
import io.netpersona.identity.IdentityException;
import io.netpersona.identity.NodeIdentity;
import io.netpersona.identity.TlsContexts;
import io.netpersona.store.Store;
import io.netpersona.store.StoreConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A running control plane: the agents' gRPC service (mutual TLS, always) on one port and the REST API on
 * another, over one persona repository.
 */
public final class ControlPlane implements AutoCloseable {
    private static final java.util.concurrent.Executor DIRECT = Runnable::run;
    private static final String CONNECT = AgentServiceGrpc.getConnectMethod().getFullMethodName();
    /** HTTP/2 flow-control window of the agents' connections, both ways (the agent sets the same). */
    public static final int FLOW_CONTROL_WINDOW = 1 << 20;

    /**
     * What to start.
     *
     * @param data the folder of the repository (SQLite, unless {@code store} says otherwise) and of admin.token
     * @param certs the certificate folder made by {@code persona certs init}
     * @param store null for the SQLite file {@code data/netpersona.db}
     */
    public record Config(Path data, Path certs, String grpcHost, int grpcPort, String httpHost, int httpPort, StoreConfig store) {
        public Config {
            Objects.requireNonNull(data, "data");
            Objects.requireNonNull(certs, "certs");
            checkPort("grpc port", grpcPort);
            checkPort("http port", httpPort);
        }

        private static void checkPort(String what, int port) {
            if (port < 0 || port > 65535) {
                throw new ControlException(what + ": " + port + " (expected: 0..65535, 0 for any free port)");
            }
        }
    }

    private final Store store;
    private final AdminToken token;
    private final Server grpc;
    private final Javalin http;
    private final Fanout fanout;
    private final AgentService agents;

    private ControlPlane(Store store, AdminToken token, Server grpc, Javalin http, Fanout fanout, AgentService agents) {
        this.store = store;
        this.token = token;
        this.grpc = grpc;
        this.http = http;
        this.fanout = fanout;
        this.agents = agents;
    }

    public static ControlPlane start(Config config, Clock clock) {
        mkdirs(config.data());
        CertificateDir certs = new CertificateDir(config.certs());
        io.grpc.netty.shaded.io.netty.handler.ssl.SslContext tls;
        try {
            tls = TlsContexts.server(certs);
        } catch (IdentityException e) {
            throw new ControlException("certs: " + e.getMessage() + " (make the folder with 'persona certs init " + config.certs() + "')", e);
        }
        AdminToken token = AdminToken.loadOrCreate(config.data());
        Store store = Store.open(config.store() != null ? config.store() : new StoreConfig.Sqlite(config.data().resolve("netpersona.db")), clock);
        Metrics metrics = new Metrics();
        AgentService agents = new AgentService(store, clock, metrics);
        Server grpc = null;
        Fanout fanout = null;
        try {
            grpc = NettyServerBuilder.forAddress(new InetSocketAddress(config.grpcHost(), config.grpcPort()))
                    .sslContext(tls)
                    .addService(ServerInterceptors.intercept(agents, NodeIdentity.interceptor()))
                    // the agents' streams on the event loops (AgentStream says why and what it moves off them);
                    // Register, a write to the repository, on gRPC's own executor
                    .callExecutor(new io.grpc.ServerCallExecutorSupplier() {
                        @Override
                        public <Q, R> java.util.concurrent.Executor getExecutor(io.grpc.ServerCall<Q, R> call, io.grpc.Metadata headers) {
                            return call.getMethodDescriptor().getFullMethodName().equals(CONNECT) ? DIRECT : null;
                        }
                    })
                    .permitKeepAliveTime(10, TimeUnit.SECONDS)
                    // gRPC's default window (1 MiB), fixed: its auto-tuning measures the link with a PING after
                    // data arrives, so an agent's observation each second cost a PING and its answer besides, each
                    // a TLS record and a system call on both sides, to size a window small messages never fill
                    .flowControlWindow(FLOW_CONTROL_WINDOW)
                    .build();
            try {
                grpc.start();
            } catch (IOException e) {
                throw new ControlException("grpc: cannot listen on " + config.grpcHost() + ":" + config.grpcPort() + " (" + e.getMessage() + ")", e);
            }
            fanout = new Fanout(store, agents, metrics);
            Javalin http = new RestApi(store, agents, token, metrics, fanout::wake).start(config.httpHost(), config.httpPort());
            return new ControlPlane(store, token, grpc, http, fanout, agents);
        } catch (RuntimeException e) {
            if (fanout != null) {
                fanout.close();
            }
            if (grpc != null) {
                grpc.shutdownNow();
            }
            agents.flush();
            store.close();
            throw e;
        }
    }

    public int grpcPort() {
        return grpc.getPort();
    }

    public int httpPort() {
        return http.port();
    }

    /** The agents' service, for tests that look at one agent's stream. */
    AgentService agents() {
        return agents;
    }

    /** Where the REST API's token is. */
    public Path adminTokenFile() {
        return token.file();
    }

    /** Whether this start made the token (the first start on this data folder). */
    public boolean adminTokenCreated() {
        return token.created();
    }

    @Override
    public void close() {
        http.stop();
        grpc.shutdown();
        fanout.close();
        try {
            if (!grpc.awaitTermination(5, TimeUnit.SECONDS)) {
                grpc.shutdownNow();
            }
        } catch (InterruptedException e) {
            grpc.shutdownNow();
            Thread.currentThread().interrupt();
        }
        agents.flush();
        store.close();
    }

    private static void mkdirs(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException e) {
            throw new ControlException(dir + ": cannot create the data folder (" + e + ")", e);
        }
    }
}
