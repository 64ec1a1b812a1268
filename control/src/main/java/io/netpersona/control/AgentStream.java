package io.netpersona.control;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.netpersona.model.PersonaCodec;
import io.netpersona.proto.agent.v1.AgentMessage;
import io.netpersona.proto.agent.v1.Assignment;
import io.netpersona.proto.agent.v1.AssignmentUpdate;
import io.netpersona.proto.agent.v1.ControlMessage;
import io.netpersona.proto.agent.v1.Hello;
import io.netpersona.proto.agent.v1.Refusal;
import io.netpersona.store.JournalRecord;
import io.netpersona.store.PersonaVersion;
import io.netpersona.store.StoreException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One agent's Connect stream. It knows what the agent runs or has been sent ({@code expected}) and sends
 * only the difference to what the repository assigns the node. A refused version stays expected, so it is
 * not sent again until a new version (or the agent's reconnect) asks for it.
 *
 * <p>Serialized: gRPC delivers the agent's messages one at a time, and the fan-out's resyncs take the
 * same lock, so the expected state and the nonces never see two writers.
 *
 * <p>Threads: gRPC hands the messages over on the connection's event loop (the Connect call runs on a direct
 * executor, see {@link ControlPlane}). Acks and observations, nearly all of the traffic (10,000 agents send
 * 10,000 observations a second), are handled right there: they touch memory only, and a hop to a thread
 * pool for each took more of the control plane's CPU than handling it. A message that reads or writes the
 * repository (hello, nack, journal, capabilities) must not hold the event loop, which serves many other
 * agents: it goes to {@link AgentService#blocking()}, and whatever of this stream comes after it waits
 * behind it there, so the stream is still handled in the order the agent sent it.
 *
 * <p>Flow control: an update is handed to gRPC only while the stream {@linkplain ServerCallStreamObserver#isReady()
 * is ready}. Otherwise (an agent that does not read, a congested link) the newest wanted state is kept and
 * the difference to it is sent once the stream drains, so what the server buffers for one agent stays
 * within the transport's window, however many changes come meanwhile, and the agent still gets the latest.
 */
final class AgentStream implements StreamObserver<AgentMessage> {
    private final String node;
    private final ServerCallStreamObserver<ControlMessage> out;
    private final AgentService service;
    private final Map<String, Long> expected = new HashMap<>();
    private final Set<String> inflight = new HashSet<>();
    private long nextNonce = 1;
    private boolean admitted;
    private boolean closed;
    /** The newest state the fan-out asked for while the stream was not ready; null when none waits. */
    private Map<String, PersonaVersion> deferred;
    private long deferredRevision;
    private Map<String, Assignment> deferredEncoded;
    private long bytesSent;
    /** What waits, in order, behind a message handed to the blocking executor; guarded by itself. */
    private final ArrayDeque<Runnable> backlog = new ArrayDeque<>();
    private boolean draining;

    AgentStream(String node, ServerCallStreamObserver<ControlMessage> out, AgentService service) {
        this.node = node;
        this.out = out;
        this.service = service;
        // only possible before the service method returns: gRPC calls them on the call's own executor, the event
        // loop, which must not wait for the stream's lock while a step on the blocking executor holds it
        out.setOnReadyHandler(() -> inOrder(this::ready, false));
        // also keeps onNext from throwing on a call the agent cancelled before the stream learnt of it
        out.setOnCancelHandler(() -> inOrder(this::cancelled, false));
    }

    private synchronized void cancelled() {
        closed = true;
        service.closed(this);
    }

    String node() {
        return node;
    }

    @Override
    public void onNext(AgentMessage m) {
        AgentMessage.BodyCase body = m.getBodyCase();
        inOrder(() -> handle(m), body != AgentMessage.BodyCase.ACK && body != AgentMessage.BodyCase.OBSERVATIONS);
    }

    /**
     * Runs {@code step} here, or on the blocking executor when it may block or something of this stream
     * already waits there. Not under the stream's lock: the event loop must not wait for a blocking step.
     */
    private void inOrder(Runnable step, boolean mayBlock) {
        synchronized (backlog) {
            if (draining || mayBlock) {
                backlog.add(step);
                if (!draining) {
                    draining = true;
                    service.blocking().execute(this::drain);
                }
                return;
            }
        }
        step.run();
    }

    private void drain() {
        while (true) {
            Runnable step;
            synchronized (backlog) {
                step = backlog.poll();
                if (step == null) {
                    draining = false;
                    return;
                }
            }
            try {
                step.run();
            } catch (RuntimeException e) {
                // what waits behind a step that failed unexpectedly would wait for ever: the stream ends, as gRPC
                // ends a call whose handler throws on the event loop, and the agent connects again
                synchronized (backlog) {
                    backlog.clear();
                    draining = false;
                }
                close(Status.INTERNAL.withDescription("the control plane failed on this agent's message: " + e));
                return;
            }
        }
    }

    private synchronized void handle(AgentMessage m) {
        if (closed) {
            return;
        }
        try {
            switch (m.getBodyCase()) {
                case HELLO -> hello(m.getHello());
                case ACK -> {
                    answered(m.getAck().getNonce());
                    service.seen(node, running(m.getAck().getRunningMap()));
                    service.metrics().ack();
                }
                case NACK -> {
                    answered(m.getNack().getNonce());
                    for (Refusal r : m.getNack().getRefusalsList()) {
                        service.store().agentNacked(node, r.getPersona(), Math.toIntExact(r.getVersion()), r.getReason());
                    }
                    service.seen(node, running(m.getNack().getRunningMap()));
                    service.metrics().nack();
                }
                case JOURNAL -> {
                    requireHello("journal");
                    // the entries carry no node: they are the certificate's node's by construction
                    service.store().appendJournal(node, m.getJournal().getEntriesList().stream()
                            .map(e -> new JournalRecord(node, e.getId(), e.getPersona(), Math.toIntExact(e.getVersion()), e.getTimeMs(),
                                    e.getOutcome(), e.getReason(), e.getDetailsJson(), 0))
                            .toList());
                    service.metrics().journal(m.getJournal().getEntriesCount());
                }
                case OBSERVATIONS -> {
                    requireHello("observations");
                    service.observed(node, m.getObservations());
                }
                case CAPABILITIES -> {
                    requireHello("capabilities");
                    service.store().agentCapabilities(node, AgentService.capabilities(m.getCapabilities()));
                }
                case BODY_NOT_SET -> close(Status.INVALID_ARGUMENT.withDescription("message: empty (expected: one of hello, ack, nack, "
                        + "observations, journal, capabilities)"));
            }
        } catch (Refused r) {
            close(r.status);
        } catch (StoreException e) {
            close(Statuses.of(e));
        } catch (ArithmeticException e) {
            close(Status.INVALID_ARGUMENT.withDescription("version: out of range"));
        }
    }

    private void hello(Hello h) {
        if (admitted) {
            throw new Refused(Status.FAILED_PRECONDITION.withDescription("hello: sent twice on one stream"));
        }
        if (!node.equals(h.getNode())) {
            throw new Refused(Status.fromThrowable(AgentService.impersonation(node, h.getNode())));
        }
        if (!service.admit(this, h.getSessionId())) {
            throw new Refused(Status.FAILED_PRECONDITION.withDescription("hello: session '" + h.getSessionId()
                    + "' is not the current registration of node " + node + " (expected: Register first)"));
        }
        admitted = true;
        expected.putAll(h.getRunningMap());
        service.seen(node, running(h.getRunningMap()));
        // an agent that is up to date gets an empty update, so it knows it has caught up
        send(difference(service.store().desired(node), service.store().revision(), null), true);
    }

    private void requireHello(String what) {
        if (!admitted) {
            throw new Refused(Status.FAILED_PRECONDITION.withDescription(what + ": before hello (expected: hello first)"));
        }
    }

    private void answered(String nonce) {
        requireHello("ack");
        if (!inflight.remove(nonce)) {
            // a nonce another node's stream was sent, or one already answered: nothing of it is recorded
            throw new Refused(Status.INVALID_ARGUMENT.withDescription("nonce: '" + nonce + "' (expected: the nonce of an "
                    + "unanswered update sent on this stream)"));
        }
    }

    /**
     * Sends the difference to {@code desired}, read by the fan-out once for every node it concerns, or
     * keeps it for when the stream is ready again; {@code encoded} holds each persona version's assignment,
     * encoded once for all streams.
     */
    synchronized void resync(Map<String, PersonaVersion> desired, long revision, Map<String, Assignment> encoded) {
        if (!admitted || closed) {
            return;
        }
        if (out.isReady()) {
            send(difference(desired, revision, encoded), false);
        } else {
            if (deferred == null) {
                service.metrics().deferred();
            }
            deferred = desired;
            deferredRevision = revision;
            deferredEncoded = encoded;
        }
    }

    private synchronized void ready() {
        if (deferred != null && !closed && out.isReady()) {
            Map<String, PersonaVersion> desired = deferred;
            deferred = null;
            send(difference(desired, deferredRevision, deferredEncoded), false);
            deferredEncoded = null;
        }
    }

    /** What was handed to gRPC for this agent so far, serialized bytes. */
    synchronized long bytesSent() {
        return bytesSent;
    }


    private AssignmentUpdate difference(Map<String, PersonaVersion> desiredNow, long revision, Map<String, Assignment> encoded) {
        Map<String, PersonaVersion> desired = new TreeMap<>(desiredNow);
        AssignmentUpdate.Builder u = AssignmentUpdate.newBuilder().setRevision(revision);
        for (PersonaVersion v : desired.values()) {
            Long have = expected.get(v.name());
            if (have == null || have != v.version()) {
                u.addAssignments(encoded == null ? encode(v) : encoded.computeIfAbsent(v.name() + "@" + v.version(), k -> encode(v)));
            }
        }
        for (String name : new TreeMap<>(expected).keySet()) {
            if (!desired.containsKey(name)) {
                u.addRemovals(name);
            }
        }
        return u.build();
    }

    /**
     * One persona version as sent: the document held as UTF-8 bytes, so that the many messages carrying it
     * copy bytes instead of encoding the text again, and its size is computed once.
     */
    static Assignment encode(PersonaVersion v) {
        return Assignment.newBuilder().setPersona(v.name()).setVersion(v.version())
                .setDocumentJsonBytes(ByteString.copyFromUtf8(PersonaCodec.toJson(v.persona()))).build();
    }

    private void send(AssignmentUpdate u, boolean evenEmpty) {
        if (!evenEmpty && u.getAssignmentsCount() == 0 && u.getRemovalsCount() == 0) {
            return;
        }
        u.getAssignmentsList().forEach(a -> expected.put(a.getPersona(), a.getVersion()));
        u.getRemovalsList().forEach(expected::remove);
        String nonce = Long.toString(nextNonce++);
        inflight.add(nonce);
        ControlMessage m = ControlMessage.newBuilder().setNonce(nonce).setUpdate(u).build();
        bytesSent += m.getSerializedSize();
        out.onNext(m);
        service.metrics().update();
    }

    private static Map<String, Integer> running(Map<String, Long> running) {
        Map<String, Integer> r = new HashMap<>();
        running.forEach((k, v) -> r.put(k, Math.toIntExact(v)));
        return r;
    }

    synchronized void close(Status status) {
        if (closed) {
            return;
        }
        closed = true;
        service.closed(this);
        try {
            out.onError(status.asRuntimeException());
        } catch (IllegalStateException alreadyClosed) {
            // the call ended on its own meanwhile
        }
    }

    @Override
    public void onError(Throwable t) {
        // at once, not behind a backlog: the call is gone, and what waits is dropped as closed
        synchronized (this) {
            closed = true;
        }
        service.closed(this);
    }

    @Override
    public void onCompleted() {
        // after what the agent sent before it
        inOrder(this::completed, false);
    }

    private synchronized void completed() {
        if (closed) {
            return;
        }
        closed = true;
        service.closed(this);
        out.onCompleted();
    }

    private static final class Refused extends RuntimeException {
        final transient Status status;

        Refused(Status status) {
            super(status.getDescription(), null, false, false);
            this.status = status;
        }
    }
}
