package io.netpersona.learn.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netpersona.learn.CaptureSummary;
import io.netpersona.learn.Flow;
import io.netpersona.learn.PacketListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A live capture in a namespace of its own: what is sent inside it arrives as flows; tcpdump is always reaped. */
class LiveCaptureIT {

    static void run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", argv) + ": " + out).isZero();
    }

    @Test
    void packetsSentInTheNamespaceBecomeFlows() throws Exception {
        assumeTrue(LiveCapture.isRoot() && LiveCapture.find("tcpdump").isPresent(),
                "skipped: a live capture needs root and tcpdump; it runs where both are, as in CI");
        String ns = "lc" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        run("ip", "netns", "add", ns);
        try {
            run("ip", "-n", ns, "link", "set", "lo", "up");
            List<Flow> flows = new CopyOnWriteArrayList<>();
            long[] packets = {0};
            PacketListener count = p -> packets[0]++;
            try (LiveCapture c = LiveCapture.start(new CaptureTarget(ns, null), flows::add, count)) {
                assertThat(c.awaitListening(Duration.ofSeconds(10))).isTrue();
                run("ip", "netns", "exec", ns, "ping", "-c", "3", "-i", "0.05", "-s", "1000", "127.0.0.1");
                CaptureSummary s = c.stop();
                assertThat(s.stats().frames()).isGreaterThanOrEqualTo(6);
                assertThat(packets[0]).isEqualTo(s.stats().frames());
            }
            assertThat(flows).anySatisfy(f -> {
                assertThat(f.protocol()).isEqualTo(1);
                assertThat(f.capture()).isEqualTo("live:" + ns);
                // wire lengths, though tcpdump kept 256 bytes of each
                assertThat(f.forward().sizes().max()).isGreaterThan(1000);
            });
        } finally {
            new ProcessBuilder("ip", "netns", "del", ns).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aNamespaceThatIsNotThereIsRefusedBeforeAnythingStarts() {
        assertThatThrownBy(() -> LiveCapture.start(new CaptureTarget("no-such-ns-here", null), f -> { }, PacketListener.NONE))
                .isInstanceOf(LiveCaptureException.class).hasMessageContaining("no such network namespace");
    }
}
