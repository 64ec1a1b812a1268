package io.netpersona.control;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.netpersona.identity.NodeIdentity;
import io.netpersona.proto.agent.v1.AgentMessage;
import io.netpersona.proto.agent.v1.AgentServiceGrpc;
import io.netpersona.proto.agent.v1.CapabilityReport;
import io.netpersona.proto.agent.v1.ControlMessage;
import io.netpersona.proto.agent.v1.Observations;
import io.netpersona.proto.agent.v1.RegisterRequest;
import io.netpersona.proto.agent.v1.RegisterResponse;
import io.netpersona.store.AgentState;
import io.netpersona.store.PersonaVersion;
import io.netpersona.store.Store;
import io.netpersona.store.StoreException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agents' side of the control plane. Every call runs behind {@link NodeIdentity#interceptor()}, so the
 * caller's node is the one in its verified certificate; a message naming any other node is refused with
 * PERMISSION_DENIED before anything is recorded.
 */
final class AgentService extends AgentServiceGrpc.AgentServiceImplBase {
    static final long OBSERVATION_INTERVAL_MS = 1000;

    private final Store store;
    private final Clock clock;
    private final Metrics metrics;
    private final Map<String, AgentStream> streams = new ConcurrentHashMap<>();
    private final Map<String, Observed> observations = new ConcurrentHashMap<>();
    private final SeenWriter seen;
    private static final int CHUNK = 500;
    /** Besides the fan-out's own thread: two cores are the target machine. */
    private final ExecutorService senders = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("fanout-send-", 0).daemon().factory());
    /** For the streams' messages that read or write the repository, off the event loops (see {@link AgentStream}). */
    private final ExecutorService blocking = Executors.newCachedThreadPool(Thread.ofPlatform().name("agent-store-", 0).daemon().factory());

    /**
     * The last metrics a node sent, and when they arrived. Kept in memory only: they come every second from
     * every agent, and only the replica the agent streams to has them.
     */
    record Observed(long receivedAtMs, Observations observations) {}

    AgentService(Store store, Clock clock, Metrics metrics) {
        this.store = store;
        this.clock = clock;
        this.metrics = metrics;
        this.seen = new SeenWriter(store, metrics);
    }

    /** Records what a node runs, soon and off the caller's thread. */
    void seen(String node, Map<String, Integer> running) {
        seen.seen(node, running);
    }

    /** Writes what is still pending; after the gRPC server stopped. */
    void flush() {
        senders.shutdownNow();
        blocking.shutdown();
        seen.close();
    }

    @Override
    public void register(RegisterRequest request, StreamObserver<RegisterResponse> response) {
        String node = callerNode();
        if (!node.equals(request.getNode())) {
            response.onError(impersonation(node, request.getNode()));
            return;
        }
        String session;
        try {
            // the session lives in the repository, so the stream may open on another replica than the registration
            session = store.registerAgent(node, request.getHostname(), request.getAgentVersion()).session();
            if (request.hasCapabilities()) {
                store.agentCapabilities(node, capabilities(request.getCapabilities()));
            }
        } catch (StoreException e) {
            response.onError(Statuses.of(e).asRuntimeException());
            return;
        }
        response.onNext(RegisterResponse.newBuilder().setSessionId(session)
                .setObservationIntervalMs(OBSERVATION_INTERVAL_MS).setServerTimeMs(clock.millis()).build());
        response.onCompleted();
    }

    @Override
    public StreamObserver<AgentMessage> connect(StreamObserver<ControlMessage> response) {
        return new AgentStream(callerNode(), (ServerCallStreamObserver<ControlMessage>) response, this);
    }

    /** Called by a stream once its Hello was accepted: it becomes the node's one stream. */
    boolean admit(AgentStream stream, String sessionId) {
        if (!store.agent(stream.node()).map(a -> sessionId.equals(a.session())).orElse(false)) {
            return false;
        }
        AgentStream old = streams.put(stream.node(), stream);
        if (old != null && old != stream) {
            // not under this stream's lock: two streams of one node closing each other must not wait on each other
            Thread.startVirtualThread(() -> old.close(Status.ABORTED.withDescription("another stream of node " + stream.node()
                    + " replaced this one")));
        }
        metrics.connected(streams.size());
        return true;
    }

    void closed(AgentStream stream) {
        if (streams.remove(stream.node(), stream)) {
            metrics.connected(streams.size());
        }
    }

    /**
     * Sends each connected node among {@code nodes} the difference to its part of {@code desired} (node ->
     * persona -> latest version; a node without an entry runs nothing). Thousands of streams are split among
     * a few threads: each hand-over to gRPC serializes and queues a message, and one thread doing all of
     * them made the last agent wait for the other 9,999.
     */
    void resync(Set<String> nodes, Map<String, Map<String, PersonaVersion>> desired, long revision) {
        Map<String, io.netpersona.proto.agent.v1.Assignment> encoded = new ConcurrentHashMap<>();
        List<AgentStream> targets = new ArrayList<>();
        if (nodes.size() < streams.size()) {
            for (String node : nodes) {
                AgentStream s = streams.get(node);
                if (s != null) {
                    targets.add(s);
                }
            }
        } else {
            for (AgentStream s : streams.values()) {
                if (nodes.contains(s.node())) {
                    targets.add(s);
                }
            }
        }
        List<Future<?>> parts = new ArrayList<>();
        for (int from = CHUNK; from < targets.size(); from += CHUNK) {
            List<AgentStream> part = targets.subList(from, Math.min(targets.size(), from + CHUNK));
            parts.add(senders.submit(() -> part.forEach(s -> s.resync(desired.getOrDefault(s.node(), Map.of()), revision, encoded))));
        }
        targets.subList(0, Math.min(CHUNK, targets.size())).forEach(s -> s.resync(desired.getOrDefault(s.node(), Map.of()), revision, encoded));
        for (Future<?> f : parts) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("resync: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static AgentState.Capabilities capabilities(CapabilityReport r) {
        return new AgentState.Capabilities(r.getSubstrate(), r.getCapabilitiesList().stream()
                .map(c -> new AgentState.Capability(c.getName(), c.getAvailable(), c.getReason())).toList());
    }

    /** The stream of {@code node} on this replica, if it has one. */
    java.util.Optional<AgentStream> stream(String node) {
        return java.util.Optional.ofNullable(streams.get(node));
    }

    void observed(String node, Observations o) {
        observations.put(node, new Observed(clock.millis(), o));
        metrics.observations();
    }

    java.util.Optional<Observed> observations(String node) {
        return java.util.Optional.ofNullable(observations.get(node));
    }

    java.util.concurrent.Executor blocking() {
        return blocking;
    }

    Store store() {
        return store;
    }

    Metrics metrics() {
        return metrics;
    }

    static io.grpc.StatusRuntimeException impersonation(String certified, String claimed) {
        return Status.PERMISSION_DENIED.withDescription("node: '" + claimed + "' (expected: '" + certified
                + "', the node of this agent's certificate)").asRuntimeException();
    }

    private static String callerNode() {
        // the interceptor refuses calls without a node, so one is always there
        return NodeIdentity.current().orElseThrow(() -> Status.UNAUTHENTICATED.asRuntimeException());
    }
}
