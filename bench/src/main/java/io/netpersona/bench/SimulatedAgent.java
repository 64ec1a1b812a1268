package io.netpersona.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.stub.StreamObserver;
import io.netpersona.control.ControlPlane;
import io.netpersona.identity.CertificateDir;
import io.netpersona.identity.TlsContexts;
import io.netpersona.proto.agent.v1.Ack;
import io.netpersona.proto.agent.v1.AgentMessage;
import io.netpersona.proto.agent.v1.AgentServiceGrpc;
import io.netpersona.proto.agent.v1.Assignment;
import io.netpersona.proto.agent.v1.ControlMessage;
import io.netpersona.proto.agent.v1.Hello;
import io.netpersona.proto.agent.v1.Observations;
import io.netpersona.proto.agent.v1.PersonaMetrics;
import io.netpersona.proto.agent.v1.RegisterRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One agent as the control plane sees it: its own certificate and TLS connection, one stream, every update
 * acknowledged at once, observations when asked. It applies nothing; it notes when each version arrived.
 */
final class SimulatedAgent {
    final String node;
    private final CertificateDir certs;
    private final int port;
    private final EventLoopGroup group;
    private volatile ManagedChannel channel;
    private StreamObserver<AgentMessage> stream;
    private final Map<String, Long> running = new HashMap<>();
    /** persona version -> System.nanoTime() when its update arrived. */
    final Map<Long, Long> arrivals = new ConcurrentHashMap<>();
    final CountDownLatch caughtUp = new CountDownLatch(1);
    volatile Throwable failure;

    SimulatedAgent(CertificateDir certs, String node, int port, EventLoopGroup group) {
        this.node = node;
        this.certs = certs;
        this.port = port;
        this.group = group;
    }

    /**
     * Makes the agent's TLS context (its own key and certificate) and channel, registers and opens its stream.
     * Its messages are handled on the connection's event loop (direct executor): what it does with one is a
     * few map updates and an ack, and a hop to a thread pool for each cost the agents' JVM more CPU than that
     * (it shares the machine's two cores with the control plane it measures).
     */
    void connect() {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(TlsContexts.client(certs, node))
                .eventLoopGroup(group).channelType(EpollSocketChannel.class).directExecutor()
                // as persona agent has it (a fixed window: no PING after each update to size it)
                .flowControlWindow(ControlPlane.FLOW_CONTROL_WINDOW).build();
        String session = AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                .register(RegisterRequest.newBuilder().setNode(node).setHostname(node).setAgentVersion("bench").build()).getSessionId();
        stream = AgentServiceGrpc.newStub(channel).connect(new StreamObserver<>() {
            @Override
            public void onNext(ControlMessage m) {
                received(m);
            }

            @Override
            public void onError(Throwable t) {
                failure = t;
            }

            @Override
            public void onCompleted() {
                failure = new IllegalStateException(node + ": the control plane ended the stream");
            }
        });
        send(AgentMessage.newBuilder().setHello(Hello.newBuilder().setNode(node).setSessionId(session)).build());
    }

    private synchronized void received(ControlMessage m) {
        long now = System.nanoTime();
        for (Assignment a : m.getUpdate().getAssignmentsList()) {
            arrivals.putIfAbsent(a.getVersion(), now);
            running.put(a.getPersona(), a.getVersion());
        }
        m.getUpdate().getRemovalsList().forEach(running::remove);
        send(AgentMessage.newBuilder().setAck(Ack.newBuilder().setNonce(m.getNonce()).putAllRunning(running)).build());
        caughtUp.countDown();
    }

    synchronized void observe() {
        if (stream == null || failure != null) {
            return;
        }
        Observations.Builder o = Observations.newBuilder().setTimeMs(System.currentTimeMillis());
        running.forEach((p, v) -> o.addMetrics(PersonaMetrics.newBuilder().setPersona(p).setVersion(v).setRttP50Ms(12.5).setRttP99Ms(40)
                .setThroughputBps(2_000_000)));
        send(AgentMessage.newBuilder().setObservations(o).build());
    }

    private synchronized void send(AgentMessage m) {
        stream.onNext(m);
    }

    void close() {
        if (channel != null) {
            channel.shutdownNow();
        }
    }

    void awaitClosed() {
        try {
            if (channel != null) {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
