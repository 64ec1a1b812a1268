package io.netpersona.lab.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrafficAppTest {

    @Test
    void theProcessStartsFromAnArgumentListInTheNamespace() {
        TrafficApp app = TrafficApp.dbServer(5432).dependsOn("replica.lab", 5432, InetAddress.ofLiteral("10.9.2.2")).listenToo(2222);
        List<String> argv = AppProcess.command("np-app", app, Duration.ofMillis(2500));
        assertThat(argv.subList(0, 4)).containsExactly("ip", "netns", "exec", "np-app");
        assertThat(argv.get(4)).endsWith("/bin/java");
        assertThat(String.join(" ", argv)).endsWith(Generators.class.getName() + " db-server --seconds 2.500 --port 5432 "
                + "--peer-name replica.lab --peer-port 5432 --dns 10.9.2.2 --listen-too 2222");
        assertThat(AppProcess.command(null, app, Duration.ofSeconds(1)).getFirst()).endsWith("/bin/java");
        assertThat(String.join(" ", AppProcess.command(null, TrafficApp.gameClients(
                new InetSocketAddress(InetAddress.ofLiteral("fd00::1"), 27015), 2, 60), Duration.ofSeconds(1))))
                .contains("--server [fd00:0:0:0:0:0:0:1]:27015 --clients 2 --rate 60");
    }

    @Test
    void optionsARoleDoesNotReadAndValuesThatAreNotPlainAreRefused() {
        assertThatThrownBy(() -> TrafficApp.gameClients(new InetSocketAddress(InetAddress.ofLiteral("10.0.0.1"), 1), 1, 1)
                .listenToo(2222)).hasMessageContaining("game-clients: option listen-too (expected one of");
        assertThatThrownBy(() -> TrafficApp.dns(InetAddress.ofLiteral("10.0.0.1"), "-x", InetAddress.ofLiteral("10.0.0.1")))
                .hasMessageContaining("option name = -x (expected: letters, digits");
        assertThatThrownBy(() -> TrafficApp.webServer(80).with("body", "1; rm"))
                .hasMessageContaining("option body = 1; rm");
        assertThatThrownBy(() -> AppProcess.start("-bad", TrafficApp.listen(1), Duration.ofSeconds(1)))
                .hasMessageContaining("netns -bad (expected");
        assertThatThrownBy(() -> AppProcess.start(null, TrafficApp.listen(1), Duration.ofHours(2)))
                .hasMessageContaining("duration PT2H (expected: 0.1 s..1 h)");
        assertThatThrownBy(() -> TrafficApp.Role.of("chess")).hasMessageContaining("role chess (expected one of [game-server");
    }

    @Test
    void theResolverAnswersItsNameAndRefusesOthers() {
        byte[] q = {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 7, 'r', 'e', 'p', 'l', 'i', 'c', 'a', 3, 'l', 'a', 'b', 0, 0, 1, 0, 1};
        byte[] a = Dns.answer(q, "replica.lab", InetAddress.ofLiteral("10.9.2.2"));
        assertThat(a).hasSize(q.length + 16);
        assertThat(a[0]).isEqualTo((byte) 0x12);
        assertThat(a[3] & 0x0f).isZero();
        assertThat(java.util.Arrays.copyOfRange(a, a.length - 4, a.length)).containsExactly(10, 9, 2, 2);
        byte[] other = Dns.answer(q, "primary.lab", InetAddress.ofLiteral("10.9.2.2"));
        assertThat(other[3] & 0x0f).as("NXDOMAIN").isEqualTo(3);
        assertThat(Dns.answer(new byte[5], "x", InetAddress.ofLiteral("10.9.2.2"))).isNull();
    }
}
