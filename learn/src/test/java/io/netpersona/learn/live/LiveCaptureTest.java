package io.netpersona.learn.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveCaptureTest {
    @Test
    void tcpdumpStartsFromAnArgumentListInsideTheNamespace() {
        assertThat(LiveCapture.command(new CaptureTarget("npl-a-arena", null), Path.of("/usr/sbin/ip"), Path.of("/usr/bin/tcpdump")))
                .containsExactly("/usr/sbin/ip", "netns", "exec", "npl-a-arena", "/usr/bin/tcpdump", "-i", "any", "-n", "-U",
                        "--immediate-mode", "-s", "256", "-w", "-");
        assertThat(LiveCapture.command(new CaptureTarget(null, "eth0"), null, Path.of("/usr/bin/tcpdump")))
                .startsWith("/usr/bin/tcpdump", "-i", "eth0");
        assertThat(new CaptureTarget("ns1", "eth0").label()).isEqualTo("live:ns1/eth0");
    }

    @Test
    void namesThatCouldBeAnythingElseAreRefused() {
        for (String bad : List.of("", "-i", "a b", "../x", "a/b", "x".repeat(65), "..", "ns;rm")) {
            assertThatThrownBy(() -> new CaptureTarget(bad, null)).isInstanceOf(LiveCaptureException.class)
                    .hasMessageStartingWith("--netns " + bad + ": not a namespace name");
        }
        assertThatThrownBy(() -> new CaptureTarget(null, "a-very-long-interface")).hasMessageContaining("not an interface name");
        assertThatThrownBy(() -> new CaptureTarget(null, null)).hasMessageContaining("needs --netns NAME or --interface IF");
    }

    @Test
    void aMissingNamespaceIsNamed(@TempDir Path dir) throws Exception {
        Files.createFile(dir.resolve("here"));
        new CaptureTarget("here", null).checkExists(dir);
        assertThatThrownBy(() -> new CaptureTarget("gone", null).checkExists(dir)).isInstanceOf(LiveCaptureException.class)
                .hasMessageStartingWith("--netns gone: no such network namespace");
    }
}
