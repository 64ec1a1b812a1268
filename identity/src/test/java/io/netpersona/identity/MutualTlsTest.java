package io.netpersona.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.stub.StreamObserver;
import io.netpersona.proto.agent.v1.AgentServiceGrpc;
import io.netpersona.proto.agent.v1.RegisterRequest;
import io.netpersona.proto.agent.v1.RegisterResponse;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real gRPC over real TLS on loopback: who gets through, and who the server thinks they are. */
class MutualTlsTest {
    @TempDir
    static Path tmp;
    static CertificateDir ours;
    static CertificateDir theirs;

    private final AtomicInteger calls = new AtomicInteger();
    private Server server;
    private ManagedChannel channel;

    @BeforeAll
    static void certificates() {
        Clock clock = Clock.systemUTC();
        ours = new CertificateDir(tmp.resolve("ours"));
        CertificateAuthority.init(ours.dir(), List.of(), clock, 30);
        CertificateAuthority.issue(ours.dir(), "edge-01", clock, 30);
        Instant now = Instant.now();
        CertificateAuthority.issue(ours.dir(), "expired", new Validity(now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1))));
        theirs = new CertificateDir(tmp.resolve("theirs"));
        CertificateAuthority.init(theirs.dir(), List.of(), clock, 30);
        // the same node name, from a CA the server does not trust
        CertificateAuthority.issue(theirs.dir(), "edge-01", clock, 30);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private int start(CertificateDir serverCerts) throws Exception {
        AgentServiceGrpc.AgentServiceImplBase service = new AgentServiceGrpc.AgentServiceImplBase() {
            @Override
            public void register(RegisterRequest request, StreamObserver<RegisterResponse> response) {
                calls.incrementAndGet();
                String node = NodeIdentity.current().orElse("(none)");
                response.onNext(RegisterResponse.newBuilder().setSessionId(node + "/" + request.getNode()).build());
                response.onCompleted();
            }
        };
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(TlsContexts.server(serverCerts))
                .addService(ServerInterceptors.intercept(service, NodeIdentity.interceptor()))
                .build()
                .start();
        return server.getPort();
    }

    private RegisterResponse register(int port, SslContext client, String node) {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(client).build();
        return AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .register(RegisterRequest.newBuilder().setNode(node).build());
    }

    @Test
    void aNodeWithACertificateFromTheCaGetsThroughAsItself() throws Exception {
        int port = start(ours);
        RegisterResponse r = register(port, TlsContexts.client(ours, "edge-01"), "claimed-name");
        // the identity is the certificate's, whatever the message claims
        assertThat(r.getSessionId()).isEqualTo("edge-01/claimed-name");
        assertThat(calls).hasValue(1);
    }

    @Test
    void aClientWithoutACertificateIsRefused() throws Exception {
        int port = start(ours);
        SslContext noCert = GrpcSslContexts.forClient().trustManager(ours.caCert().toFile()).build();
        assertRefused(() -> register(port, noCert, "edge-01"));
    }

    @Test
    void aClientWithACertificateFromAnotherCaIsRefused() throws Exception {
        int port = start(ours);
        SslContext other = TlsContexts.client(ours.caCert(), theirs.nodeCert("edge-01"), theirs.nodeKey("edge-01"));
        assertRefused(() -> register(port, other, "edge-01"));
    }

    @Test
    void aClientWithAnExpiredCertificateIsRefused() throws Exception {
        int port = start(ours);
        assertRefused(() -> register(port, TlsContexts.client(ours, "expired"), "expired"));
    }

    @Test
    void anAgentRefusesAControlPlaneFromAnotherCa() throws Exception {
        int port = start(theirs);
        assertRefused(() -> register(port, TlsContexts.client(ours, "edge-01"), "edge-01"));
    }

    @Test
    void missingCertificateFilesAreNamed() {
        assertThatThrownBy(() -> TlsContexts.client(ours, "nobody"))
                .isInstanceOf(IdentityException.class).hasMessage(ours.nodeCert("nobody") + ": not found (the certificate)");
    }

    private void assertRefused(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        assertThat(calls).hasValue(0);
    }
}
