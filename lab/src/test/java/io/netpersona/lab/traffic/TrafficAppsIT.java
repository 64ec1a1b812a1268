package io.netpersona.lab.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Each lab application on this machine's loopback (no namespace, no root): a server and its clients as
 * processes, a few seconds each, and what the clients measured. Loopback has no loss and sub-millisecond
 * delay, so the margins below are wide and still catch an application that measures nothing or wrongly.
 */
class TrafficAppsIT {
    static final InetAddress LOOPBACK = InetAddress.ofLiteral("127.0.0.1");

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void gamePlayersSeeEveryUpdateQuickly() throws IOException {
        int port = freePort();
        try (AppProcess server = TrafficApp.gameServer(port).start(null, Duration.ofSeconds(8)).awaitReady();
                AppProcess players = TrafficApp.gameClients(new InetSocketAddress(LOOPBACK, port), 2, 60)
                        .start(null, Duration.ofMillis(2500))) {
            AppResult r = players.awaitResult();
            AppResult s = server.stop();
            System.out.println(r + "\n" + s);
            // 2 players x 60 a second x 2.5 s, less what a busy machine delays
            assertThat(r.get("inputs")).isBetween(200.0, 310.0);
            assertThat(r.get("lossPct")).isLessThan(5);
            assertThat(r.get("rttP50Ms")).isPositive().isLessThan(50);
            assertThat(r.get("rttP99Ms")).isGreaterThanOrEqualTo(r.get("rttP50Ms"));
            assertThat(r.get("jitterMeanMs")).isNotNaN();
            assertThat(s.get("inputs")).isGreaterThanOrEqualTo(r.get("updates"));
            assertThat(s.get("players")).isEqualTo(2);
        }
    }

    @Test
    void databaseClientsTimeEveryRequest() throws IOException {
        int port = freePort();
        try (AppProcess server = TrafficApp.dbServer(port).start(null, Duration.ofSeconds(8)).awaitReady();
                AppProcess clients = TrafficApp.dbClients(new InetSocketAddress(LOOPBACK, port), 2, 20)
                        .start(null, Duration.ofMillis(2500))) {
            AppResult r = clients.awaitResult();
            AppResult s = server.stop();
            System.out.println(r + "\n" + s);
            assertThat(r.get("errors")).isZero();
            assertThat(r.get("requests")).isBetween(60.0, 110.0);
            assertThat(r.get("latencyP50Ms")).isPositive().isLessThan(50);
            assertThat(s.get("requests")).isEqualTo(r.get("requests"));
            assertThat(s.get("connections")).isEqualTo(2);
        }
    }

    @Test
    void bulkStreamsGetThePacedRate() throws IOException {
        int port = freePort();
        try (AppProcess server = TrafficApp.bulkServer(port, 8).start(null, Duration.ofSeconds(8)).awaitReady();
                AppProcess clients = TrafficApp.bulkClients(new InetSocketAddress(LOOPBACK, port), 3).start(null, Duration.ofMillis(3000))) {
            AppResult r = clients.awaitResult();
            server.stop();
            System.out.println(r);
            // 3 streams at 8 Mbit/s: 24 Mbit/s, plus what the socket buffers took at the start
            assertThat(r.get("errors")).isZero();
            assertThat(r.get("throughputMbps")).isBetween(15.0, 40.0);
            assertThat(r.get("secondP50Mbps")).isBetween(15.0, 40.0);
        }
    }

    @Test
    void videoPlaysWithoutStallsWhenTheNetworkKeepsUp() throws IOException {
        int port = freePort();
        try (AppProcess server = TrafficApp.videoServer(port).start(null, Duration.ofSeconds(8)).awaitReady();
                AppProcess viewer = TrafficApp.videoClients(new InetSocketAddress(LOOPBACK, port), 1, 4000).start(null, Duration.ofMillis(3000))) {
            AppResult r = viewer.awaitResult();
            AppResult s = server.stop();
            System.out.println(r + "\n" + s);
            assertThat(r.get("errors")).isZero();
            assertThat(r.get("stalls")).isZero();
            assertThat(r.get("startupMs")).isPositive().isLessThan(1000);
            // three segments ahead at once, then one a second: at least 5 of 500 kB in 3 s
            assertThat(r.get("bytes")).isGreaterThanOrEqualTo(5 * 500_000.0);
            assertThat(r.get("throughputMbps")).isGreaterThan(4);
            assertThat(s.get("segments")).isGreaterThanOrEqualTo(5);
        }
    }

    @Test
    void webClientsTimeTheFirstByte() throws IOException {
        int port = freePort();
        try (AppProcess server = TrafficApp.webServer(port).start(null, Duration.ofSeconds(8)).awaitReady();
                AppProcess browsers = TrafficApp.webClients(new InetSocketAddress(LOOPBACK, port), "shop.lab", 2, 5)
                        .start(null, Duration.ofMillis(2500))) {
            AppResult r = browsers.awaitResult();
            AppResult s = server.stop();
            System.out.println(r + "\n" + s);
            assertThat(r.get("errors")).isZero();
            assertThat(r.get("requests")).isBetween(15.0, 30.0);
            assertThat(r.get("ttfbP50Ms")).isPositive().isLessThan(100);
            assertThat(r.get("totalP99Ms")).isGreaterThanOrEqualTo(r.get("ttfbP50Ms"));
            assertThat(s.get("requests")).isEqualTo(r.get("requests"));
        }
    }

    @Test
    void stoppingEarlyGivesTheMeasurementsSoFarAndAServerThatCannotListenSaysWhy() throws IOException {
        int port = freePort();
        try (AppProcess server = TrafficApp.gameServer(port).start(null, Duration.ofSeconds(30)).awaitReady();
                AppProcess players = TrafficApp.gameClients(new InetSocketAddress(LOOPBACK, port), 1, 50)
                        .start(null, Duration.ofSeconds(30))) {
            sleep(2000);
            long t0 = System.nanoTime();
            AppResult r = players.stop();
            assertThat((System.nanoTime() - t0) / 1e9).as("ended at once, not after its 30 s").isLessThan(5);
            assertThat(r.get("inputs")).isBetween(40.0, 120.0);
            assertThat(r.get("lossPct")).as("the last half second is not judged").isLessThan(5);
            assertThat(players.isAlive()).isFalse();
            try (ServerSocket taken = new ServerSocket(0)) {
                AppProcess clash = TrafficApp.dbServer(taken.getLocalPort()).start(null, Duration.ofSeconds(5));
                assertThatThrownBy(clash::awaitReady).isInstanceOf(TrafficException.class)
                        .hasMessageContaining("db-server ended before it listened").hasMessageContaining("BindException");
            }
        }
    }

    @Test
    void theResolverAnswersItsNameOverUdpAndNothingElse() throws Exception {
        java.net.DatagramSocket socket = new java.net.DatagramSocket(0, LOOPBACK);
        int port = socket.getLocalPort();
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong answered = new java.util.concurrent.atomic.AtomicLong();
        Thread t = Thread.ofPlatform().start(() -> Dns.serve(socket, "replica.lab", InetAddress.ofLiteral("10.9.2.2"), running::get, answered));
        try {
            assertThat(Dns.ask("replica.lab", LOOPBACK, port)).isEqualTo(InetAddress.ofLiteral("10.9.2.2"));
            assertThat(Dns.ask("REPLICA.lab", LOOPBACK, port)).isEqualTo(InetAddress.ofLiteral("10.9.2.2"));
            assertThat(Dns.ask("primary.lab", LOOPBACK, port)).as("NXDOMAIN").isNull();
            assertThat(answered.get()).isEqualTo(3);
        } finally {
            running.set(false);
            t.join(2000);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
