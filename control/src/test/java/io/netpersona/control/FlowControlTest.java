package io.netpersona.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.netpersona.identity.CertificateAuthority;
import io.netpersona.identity.CertificateDir;
import io.netpersona.identity.TlsContexts;
import io.netpersona.proto.agent.v1.AgentMessage;
import io.netpersona.proto.agent.v1.AgentServiceGrpc;
import io.netpersona.proto.agent.v1.ControlMessage;
import io.netpersona.proto.agent.v1.Hello;
import io.netpersona.proto.agent.v1.RegisterRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent that stops reading its stream must neither hold up the others nor make the control plane
 * buffer every change for it: it is sent the newest state once it reads again.
 */
class FlowControlTest {
    /** The slow agent's HTTP/2 window: what the control plane can have in flight to it before it must wait. */
    private static final int WINDOW = 65_535;
    private static final int CHANGES = 60;
    private static final String PADDING = "x".repeat(12_000);

    @TempDir
    Path tmp;

    @Test
    void anAgentThatDoesNotReadGetsTheNewestStateLaterAndTheOthersAreNotHeldUp() throws Exception {
        CertificateDir certs = new CertificateDir(tmp.resolve("certs"));
        CertificateAuthority.init(certs.dir(), List.of(), Clock.systemUTC(), 30);
        CertificateAuthority.issue(certs.dir(), "fast-01", Clock.systemUTC(), 30);
        CertificateAuthority.issue(certs.dir(), "slow-01", Clock.systemUTC(), 30);
        try (ControlPlane cp = ControlPlane.start(new ControlPlane.Config(tmp.resolve("data"), certs.dir(), "127.0.0.1", 0, "127.0.0.1", 0,
                null), Clock.systemUTC());
                TestAgent fast = new TestAgent(certs, "fast-01", cp.grpcPort());
                SlowAgent slow = new SlowAgent(certs, "slow-01", cp.grpcPort())) {
            Api api = new Api(cp.httpPort(), Files.readString(cp.adminTokenFile()).strip());
            fast.connect("fast-01", fast.register("fast-01"), Map.of());
            assertThat(fast.next().getUpdate().getAssignmentsCount()).isZero();
            slow.connect();
            assertThat(slow.received.poll(10, TimeUnit.SECONDS)).as("the slow agent's first (empty) update").isNotNull();

            api.send("POST", "personas", persona(0));
            api.send("PUT", "assignments/big/fast-01", null);
            api.send("PUT", "assignments/big/slow-01", null);
            long fastVersion = 0;
            for (int k = 1; k <= CHANGES; k++) {
                api.send("POST", "personas", persona(k));
                // the fast agent gets every change while the slow one reads nothing
                while (fastVersion < k + 1) {
                    ControlMessage m = fast.next();
                    fast.ack(m.getNonce(), Map.of());
                    for (var a : m.getUpdate().getAssignmentsList()) {
                        fastVersion = Math.max(fastVersion, a.getVersion());
                    }
                }
            }
            long documentBytes = AgentStream.encode(cp.agents().store().latest("big").orElseThrow()).getSerializedSize();
            long allChanges = documentBytes * (CHANGES + 1);
            long sentToSlow = cp.agents().stream("slow-01").orElseThrow().bytesSent();
            // without flow control every change is handed over (about 60 x 12 KB); with it, what fits the window,
            // gRPC's 32 KiB ready threshold and the messages that crossed them
            assertThat(sentToSlow).as("bytes handed to gRPC for the slow agent, of %d in all changes", allChanges)
                    .isLessThan(WINDOW + 32 * 1024 + 3 * documentBytes);
            assertThat(allChanges).isGreaterThan(4 * (WINDOW + 32 * 1024 + 3 * documentBytes));

            slow.readAgain();
            long slowVersion = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (slowVersion < CHANGES + 1) {
                ControlMessage m = slow.received.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                assertThat(m).as("the slow agent never got version %d (has %d)", CHANGES + 1, slowVersion).isNotNull();
                for (var a : m.getUpdate().getAssignmentsList()) {
                    slowVersion = Math.max(slowVersion, a.getVersion());
                }
            }
            assertThat(api.get("/metrics")).containsPattern("(?m)^netpersona_assignment_updates_deferred_total [1-9]");
        }
    }

    private static String persona(int k) {
        return """
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: big}
                spec:
                  app: {netns: big}
                  mtu: %d
                evidence:
                  reasons:
                    spec.mtu: "%s"
                """.formatted(1400 - k, PADDING);
    }

    /** An agent whose stream delivers nothing after its first update until {@link #readAgain()}. */
    private static final class SlowAgent implements AutoCloseable {
        final BlockingQueue<ControlMessage> received = new LinkedBlockingQueue<>();
        private final ManagedChannel channel;
        private final String node;
        private ClientCallStreamObserver<AgentMessage> stream;

        SlowAgent(CertificateDir certs, String node, int port) {
            this.node = node;
            // a fixed window (no automatic tuning), so what the server may have in flight is known
            this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(TlsContexts.client(certs, node))
                    .flowControlWindow(WINDOW).build();
        }

        void connect() {
            String session = AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .register(RegisterRequest.newBuilder().setNode(node).setHostname(node).setAgentVersion("0.1.0").build()).getSessionId();
            AgentServiceGrpc.newStub(channel).connect(new ClientResponseObserver<AgentMessage, ControlMessage>() {
                @Override
                public void beforeStart(ClientCallStreamObserver<AgentMessage> s) {
                    stream = s;
                    s.disableAutoRequestWithInitial(1);
                }

                @Override
                public void onNext(ControlMessage m) {
                    received.add(m);
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {}
            });
            stream.onNext(AgentMessage.newBuilder().setHello(Hello.newBuilder().setNode(node).setSessionId(session)).build());
        }

        void readAgain() {
            stream.request(Integer.MAX_VALUE);
        }

        @Override
        public void close() throws InterruptedException {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private record Api(int port, String token) {
        private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        void send(String method, String path, String body) throws Exception {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/" + path))
                    .header("Authorization", "Bearer " + token)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isLessThan(300);
        }

        String get(String path) throws Exception {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
    }
}
