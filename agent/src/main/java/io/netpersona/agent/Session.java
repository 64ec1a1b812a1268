package io.netpersona.agent;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.netpersona.proto.agent.v1.Ack;
import io.netpersona.proto.agent.v1.AgentMessage;
import io.netpersona.proto.agent.v1.AgentServiceGrpc;
import io.netpersona.proto.agent.v1.CapabilityReport;
import io.netpersona.proto.agent.v1.ControlMessage;
import io.netpersona.proto.agent.v1.Hello;
import io.netpersona.proto.agent.v1.Nack;
import io.netpersona.proto.agent.v1.Refusal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One Connect stream, from Hello to its end. Sends are serialized here (a gRPC stream takes one writer at a
 * time) and dropped once the stream ended: what they would have said is restated by the next Hello.
 */
final class Session implements ClientResponseObserver<AgentMessage, ControlMessage> {
    private static final int JOURNAL_BATCH = 200;

    private final Agent agent;
    private final String node;
    private final String sessionId;
    private final CompletableFuture<Status> ended = new CompletableFuture<>();
    private ClientCallStreamObserver<AgentMessage> out;
    private volatile boolean caughtUp;

    Session(Agent agent, String node, String sessionId) {
        this.agent = agent;
        this.node = node;
        this.sessionId = sessionId;
    }

    void open(AgentServiceGrpc.AgentServiceStub stub) {
        stub.connect(this);
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<AgentMessage> requestStream) {
        this.out = requestStream;
    }

    void hello(Map<String, Long> running) {
        send(AgentMessage.newBuilder().setHello(Hello.newBuilder().setNode(node).setSessionId(sessionId)
                .putAllRunning(running)).build());
    }

    void sendCapabilities(CapabilityReport report) {
        send(AgentMessage.newBuilder().setCapabilities(report).build());
    }

    void answer(String nonce, List<Refusal> refusals, Map<String, Long> running) {
        if (refusals.isEmpty()) {
            send(AgentMessage.newBuilder().setAck(Ack.newBuilder().setNonce(nonce).putAllRunning(running)).build());
        } else {
            send(AgentMessage.newBuilder().setNack(Nack.newBuilder().setNonce(nonce).addAllRefusals(refusals)
                    .putAllRunning(running)).build());
        }
    }

    /** Sends what the journal queued, in batches; what a broken stream did not take goes back to the queue. */
    void flushJournal(ReportingJournal journal) {
        List<io.netpersona.proto.agent.v1.JournalEntry> batch;
        while (!(batch = journal.take(JOURNAL_BATCH)).isEmpty()) {
            if (!send(AgentMessage.newBuilder().setJournal(ReportingJournal.batch(batch)).build())) {
                journal.requeue(batch);
                return;
            }
        }
    }

    /** Whether the message was handed to the stream. */
    synchronized boolean send(AgentMessage m) {
        if (ended.isDone() || out == null) {
            return false;
        }
        try {
            out.onNext(m);
            return true;
        } catch (RuntimeException e) {
            return false; // the call ended between the check and the send
        }
    }

    boolean caughtUp() {
        return caughtUp && !ended.isDone();
    }

    @Override
    public void onNext(ControlMessage m) {
        if (!caughtUp) {
            caughtUp = true;
            agent.caughtUp();
        }
        if (m.hasUpdate()) {
            agent.received(this, m.getNonce(), m.getUpdate());
        }
    }

    @Override
    public void onError(Throwable t) {
        ended.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
        ended.complete(Status.OK.withDescription("the control plane closed the stream"));
    }

    /** Ends the stream from this side (the agent stops). */
    synchronized void complete() {
        if (!ended.isDone() && out != null) {
            try {
                out.onCompleted();
            } catch (RuntimeException e) {
                // already ended
            }
        }
    }

    Status ended() throws InterruptedException {
        try {
            return ended.get();
        } catch (ExecutionException e) {
            return Status.fromThrowable(e.getCause());
        }
    }
}
