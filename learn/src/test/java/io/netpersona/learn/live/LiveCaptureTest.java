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

    @Test
    void aNamespacesAddressesAreItsGlobalOnes() {
        String ip = """
                1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
                1: lo    inet6 ::1/128 scope host \\       valid_lft forever preferred_lft forever
                4: eth0    inet 10.91.1.1/24 brd 10.91.1.255 scope global eth0\\       valid_lft forever preferred_lft forever
                4: eth0    inet6 fd00::1/64 scope global nodad \\       valid_lft forever preferred_lft forever
                4: eth0    inet6 fe80::fc:ff:fe00:1/64 scope link \\       valid_lft forever preferred_lft forever
                5: eth1    inet 10.91.2.1/24 scope global eth1\\       valid_lft forever preferred_lft forever
                """;
        assertThat(NamespaceAddresses.parse(ip)).containsExactly(java.net.InetAddress.ofLiteral("10.91.1.1"),
                java.net.InetAddress.ofLiteral("fd00::1"), java.net.InetAddress.ofLiteral("10.91.2.1"));
        assertThat(NamespaceAddresses.parse("")).isEmpty();
    }
}
