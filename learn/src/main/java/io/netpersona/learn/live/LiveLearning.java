package io.netpersona.learn.live;

import io.netpersona.learn.CaptureSummary;
import io.netpersona.learn.classify.FlowClassifier;
import io.netpersona.learn.profile.Profile;
import io.netpersona.learn.profile.ProfileBuilder;
import io.netpersona.learn.profile.Selection;
import java.time.Duration;

/**
 * An application's profile from a live capture: tcpdump in its namespace or on an interface ({@link LiveCapture})
 * feeding a {@link ProfileBuilder}. In a namespace, without ports or addresses selected, the application is
 * every global address of the namespace ({@link NamespaceAddresses}), so nothing needs configuring. Start it,
 * wait until it listens, let the application run, {@link #stop()}, then take the {@link #profile()}.
 * {@link #close()} kills tcpdump whatever happened.
 */
public final class LiveLearning implements AutoCloseable {
    private final ProfileBuilder builder;
    private final LiveCapture capture;

    private LiveLearning(ProfileBuilder builder, LiveCapture capture) {
        this.builder = builder;
        this.capture = capture;
    }

    /** @throws LiveCaptureException when not root, a tool is missing, the namespace is not there, or tcpdump cannot start */
    public static LiveLearning start(CaptureTarget target, Selection selection, FlowClassifier classifier) {
        ProfileBuilder b = new ProfileBuilder(selection, classifier);
        if (target.netns() != null && selection.automatic()) {
            b.inNamespace(target.netns(), NamespaceAddresses.read(target));
        }
        return new LiveLearning(b, LiveCapture.start(target, b, b.packets()));
    }

    /** @throws LiveCaptureException when tcpdump ended at once or did not listen within {@code timeout}, with what it said */
    public LiveLearning awaitListening(Duration timeout) throws InterruptedException {
        if (!capture.awaitListening(timeout)) {
            throw new LiveCaptureException("tcpdump did not start listening within " + timeout.toSeconds() + " s: " + capture.stderrText());
        }
        return this;
    }

    public long packets() {
        return capture.packets();
    }

    public Duration elapsed() {
        return capture.elapsed();
    }

    public CaptureTarget target() {
        return capture.target();
    }

    /** Stops tcpdump and takes in all it captured; see {@link LiveCapture#stop()}. */
    public CaptureSummary stop() throws InterruptedException {
        return capture.stop();
    }

    /**
     * The application's profile from what was captured (after {@link #stop()}).
     *
     * @throws io.netpersona.learn.profile.ProfileException when the capture held nothing of the application
     */
    public Profile profile() {
        return builder.build();
    }

    @Override
    public void close() {
        capture.close();
    }
}
