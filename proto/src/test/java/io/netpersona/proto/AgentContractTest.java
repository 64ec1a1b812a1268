package io.netpersona.proto;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netpersona.proto.agent.v1.Ack;
import io.netpersona.proto.agent.v1.AgentMessage;
import io.netpersona.proto.agent.v1.AgentServiceGrpc;
import io.netpersona.proto.agent.v1.Assignment;
import io.netpersona.proto.agent.v1.AssignmentUpdate;
import io.netpersona.proto.agent.v1.ControlMessage;
import io.netpersona.proto.agent.v1.Hello;
import io.netpersona.proto.agent.v1.Nack;
import io.netpersona.proto.agent.v1.RegisterRequest;
import io.netpersona.proto.agent.v1.RegisterResponse;
import io.netpersona.proto.agent.v1.Refusal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drives the generated stubs through one session as the README describes it: register, Hello with what
 * runs, only the difference sent back, each answer naming the nonce it answers.
 */
class AgentContractTest {
    private static final Map<String, Long> DESIRED = Map.of("arena", 4L, "backup", 2L);

    private final BlockingQueue<AgentMessage> received = new LinkedBlockingQueue<>();
    private Server server;
    private ManagedChannel channel;

    /** A control plane that knows one node's desired state and sends the difference from Hello's. */
    private final class FakeControlPlane extends AgentServiceGrpc.AgentServiceImplBase {
        @Override
        public void register(RegisterRequest request, StreamObserver<RegisterResponse> response) {
            response.onNext(RegisterResponse.newBuilder().setSessionId("s-" + request.getNode())
                    .setObservationIntervalMs(1000).build());
            response.onCompleted();
        }

        @Override
        public StreamObserver<AgentMessage> connect(StreamObserver<ControlMessage> toAgent) {
            return new StreamObserver<>() {
                int nonce;

                @Override
                public void onNext(AgentMessage m) {
                    received.add(m);
                    if (m.hasHello()) {
                        AssignmentUpdate.Builder u = AssignmentUpdate.newBuilder().setRevision(17);
                        DESIRED.forEach((name, version) -> {
                            if (!version.equals(m.getHello().getRunningMap().get(name))) {
                                u.addAssignments(Assignment.newBuilder().setPersona(name).setVersion(version)
                                        .setDocumentJson("{\"metadata\":{\"name\":\"" + name + "\"}}"));
                            }
                        });
                        m.getHello().getRunningMap().keySet().stream().filter(n -> !DESIRED.containsKey(n))
                                .forEach(u::addRemovals);
                        toAgent.onNext(ControlMessage.newBuilder().setNonce(Integer.toString(++nonce))
                                .setUpdate(u).build());
                    }
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {
                    toAgent.onCompleted();
                }
            };
        }
    }

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(new FakeControlPlane()).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void reconnectingAgentGetsOnlyWhatChangedAndAnswersByNonce() throws Exception {
        RegisterResponse reg = AgentServiceGrpc.newBlockingStub(channel)
                .register(RegisterRequest.newBuilder().setNode("host-a").build());
        assertThat(reg.getSessionId()).isEqualTo("s-host-a");

        BlockingQueue<ControlMessage> toAgent = new LinkedBlockingQueue<>();
        StreamObserver<AgentMessage> toControl = AgentServiceGrpc.newStub(channel).connect(new StreamObserver<>() {
            @Override
            public void onNext(ControlMessage m) {
                toAgent.add(m);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
        });
        // the agent already runs arena at the desired version, backup at an old one, and a leftover
        toControl.onNext(AgentMessage.newBuilder().setHello(Hello.newBuilder().setNode("host-a")
                .setSessionId(reg.getSessionId()).putRunning("arena", 4).putRunning("backup", 1)
                .putRunning("old-db", 3)).build());

        ControlMessage update = toAgent.poll(5, TimeUnit.SECONDS);
        assertThat(update).isNotNull();
        assertThat(update.getNonce()).isEqualTo("1");
        assertThat(update.getUpdate().getAssignmentsList()).extracting(Assignment::getPersona, Assignment::getVersion)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("backup", 2L));
        assertThat(update.getUpdate().getRemovalsList()).containsExactly("old-db");
        assertThat(update.getUpdate().getRevision()).isEqualTo(17);

        toControl.onNext(AgentMessage.newBuilder().setNack(Nack.newBuilder().setNonce(update.getNonce())
                .addRefusals(Refusal.newBuilder().setPersona("backup").setVersion(2)
                        .setReason("spec.mtu: 70000 (expected: 576..9216)"))
                .putRunning("arena", 4).putRunning("backup", 1)).build());
        toControl.onCompleted();

        List<AgentMessage> got = List.of(received.take(), received.take());
        assertThat(got.get(1).getBodyCase()).isEqualTo(AgentMessage.BodyCase.NACK);
        assertThat(got.get(1).getNack().getNonce()).isEqualTo("1");
        assertThat(got.get(1).getNack().getRunningMap()).containsEntry("backup", 1L).doesNotContainKey("old-db");
        assertThat(Ack.newBuilder().setNonce("1").build().toByteArray()).isNotEmpty();
    }
}
