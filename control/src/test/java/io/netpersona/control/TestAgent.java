package io.netpersona.control;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.netpersona.identity.CertificateDir;
import io.netpersona.identity.TlsContexts;
import io.netpersona.proto.agent.v1.Ack;
import io.netpersona.proto.agent.v1.AgentMessage;
import io.netpersona.proto.agent.v1.AgentServiceGrpc;
import io.netpersona.proto.agent.v1.ControlMessage;
import io.netpersona.proto.agent.v1.Hello;
import io.netpersona.proto.agent.v1.Nack;
import io.netpersona.proto.agent.v1.Refusal;
import io.netpersona.proto.agent.v1.RegisterRequest;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test agent: a real gRPC client with a node certificate, driven message by message. */
final class TestAgent implements AutoCloseable {
    final ManagedChannel channel;
    final BlockingQueue<ControlMessage> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Status> ended = new CompletableFuture<>();
    private StreamObserver<AgentMessage> stream;

    TestAgent(CertificateDir certs, String certNode, int port) {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(TlsContexts.client(certs, certNode)).build();
    }

    String register(String node) {
        return AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .register(RegisterRequest.newBuilder().setNode(node).setHostname("host-" + node).setAgentVersion("0.1.0").build())
                .getSessionId();
    }

    void connect(String node, String session, Map<String, Long> running) {
        stream = AgentServiceGrpc.newStub(channel).connect(new StreamObserver<>() {
            @Override
            public void onNext(ControlMessage m) {
                received.add(m);
            }

            @Override
            public void onError(Throwable t) {
                ended.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                ended.complete(Status.OK);
            }
        });
        send(AgentMessage.newBuilder().setHello(Hello.newBuilder().setNode(node).setSessionId(session).putAllRunning(running)).build());
    }

    void send(AgentMessage m) {
        synchronized (this) {
            stream.onNext(m);
        }
    }

    void ack(String nonce, Map<String, Long> running) {
        send(AgentMessage.newBuilder().setAck(Ack.newBuilder().setNonce(nonce).putAllRunning(running)).build());
    }

    void nack(String nonce, String persona, long version, String reason, Map<String, Long> running) {
        send(AgentMessage.newBuilder().setNack(Nack.newBuilder().setNonce(nonce)
                .addRefusals(Refusal.newBuilder().setPersona(persona).setVersion(version).setReason(reason))
                .putAllRunning(running)).build());
    }

    ControlMessage next() throws InterruptedException {
        ControlMessage m = received.poll(10, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("no update within 10 s" + (ended.isDone() ? "; the stream ended: " + ended.getNow(null) : ""));
        }
        return m;
    }

    Status end() throws Exception {
        return ended.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
