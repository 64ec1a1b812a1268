package io.netpersona.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.netpersona.proto.agent.v1.AgentMessage;
import io.netpersona.proto.agent.v1.CapabilityReport;
import io.netpersona.proto.agent.v1.ControlMessage;
import io.netpersona.proto.agent.v1.Hello;
import io.netpersona.store.Store;
import io.netpersona.store.StoreConfig;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A message handled off the event loop that fails in a way nobody foresaw (not a refusal, not a repository error)
 * must end the agent's stream with an error it can see, so it connects again: left alone, the failure would end
 * the stream's drain with everything behind it waiting for ever, and the agent none the wiser.
 */
class AgentStreamDrainTest {
    @TempDir
    Path tmp;

    @Test
    void anUnforeseenFailureOfAQueuedMessageEndsTheStreamWithAnInternalError() throws Exception {
        try (Store real = Store.open(new StoreConfig.Sqlite(tmp.resolve("netpersona.db")), Clock.systemUTC())) {
            Store failing = (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class}, (proxy, method, args) -> {
                if (method.getName().equals("agentCapabilities")) {
                    throw new IllegalStateException("capabilities table vanished");
                }
                try {
                    return method.invoke(real, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
            AgentService service = new AgentService(failing, Clock.systemUTC(), new Metrics());
            try {
                String session = real.registerAgent("edge-01", "edge-01", "0.1.0").session();
                Out out = new Out();
                AgentStream stream = new AgentStream("edge-01", out, service);
                stream.onNext(AgentMessage.newBuilder().setHello(Hello.newBuilder().setNode("edge-01").setSessionId(session)).build());
                assertThat(out.messages.poll(10, TimeUnit.SECONDS)).as("the first (empty) update after the hello").isNotNull();
                assertThat(service.stream("edge-01")).contains(stream);

                stream.onNext(AgentMessage.newBuilder().setCapabilities(CapabilityReport.newBuilder().setSubstrate("linux")).build());
                Throwable error = out.errors.poll(10, TimeUnit.SECONDS);
                assertThat(error).as("the error the agent sees").isNotNull();
                Status status = Status.fromThrowable(error);
                assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
                assertThat(status.getDescription()).contains("capabilities table vanished");
                assertThat(service.stream("edge-01")).as("the node's stream after it ended").isEmpty();

                // the stream is done: what the agent still sends on it is not handled, and nothing waits to be
                stream.onNext(AgentMessage.newBuilder().setCapabilities(CapabilityReport.newBuilder().setSubstrate("linux")).build());
                assertThat(out.errors.poll(300, TimeUnit.MILLISECONDS)).isNull();
                assertThat(out.allErrors).hasSize(1);
            } finally {
                service.flush();
            }
        }
    }

    /** The server's side of the call: what the control plane hands to the agent. */
    private static final class Out extends ServerCallStreamObserver<ControlMessage> {
        final BlockingQueue<ControlMessage> messages = new LinkedBlockingQueue<>();
        final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
        final List<Throwable> allErrors = new CopyOnWriteArrayList<>();

        @Override
        public void onNext(ControlMessage m) {
            messages.add(m);
        }

        @Override
        public void onError(Throwable t) {
            errors.add(t);
            allErrors.add(t);
        }

        @Override
        public void onCompleted() {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void setOnCancelHandler(Runnable handler) {
        }

        @Override
        public void setCompression(String compression) {
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setOnReadyHandler(Runnable handler) {
        }

        @Override
        public void disableAutoInboundFlowControl() {
        }

        @Override
        public void request(int count) {
        }

        @Override
        public void setMessageCompression(boolean enable) {
        }
    }
}
