package io.netpersona.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.substrate.linux.HostPicture;
import io.netpersona.substrate.linux.LinuxSubstrate;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The engine's loop on the real kernel, through the Linux substrate: a bulk sender (15 Mbit/s) behind a 20 Mbit/s
 * bottleneck, random loss on its path (an nftables rule dropping a share of the packets, since this
 * kernel has no netem), the loss seen in its sockets' retransmissions, and the engine switching its
 * routes to BBR, journalling it and keeping it; then a harmful change forced onto it (a 2 Mbit/s
 * ceiling) detected on its throughput and reverted.
 *
 * <pre>
 *   app (eth0 10.91.1.1) --- (a0 10.91.1.2) rt (b0 10.91.2.1) --- (eth0 10.91.2.2) peer: iperf3 -s
 *                                             tbf 20 Mbit/s on b0; loss: nft forward, oifname b0
 * </pre>
 */
class EngineKernelIT {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    KernelNet net;
    String app, rt, peer, name;
    LinuxSubstrate substrate;
    SqliteJournal journal;
    VirtualThreadScheduler scheduler;
    Engine engine;
    volatile boolean sending = true;
    Thread sender;

    @BeforeEach
    void network() throws Exception {
        net = new KernelNet();
        app = net.ns("app");
        rt = net.ns("rt");
        peer = net.ns("peer");
        name = "backup-" + app.substring(0, app.length() - "app".length());
        net.link(app, "eth0", "10.91.1.1/24", rt, "a0", "10.91.1.2/24");
        net.link(rt, "b0", "10.91.2.1/24", peer, "eth0", "10.91.2.2/24");
        net.exec(app, "ip", "route", "add", "default", "via", "10.91.1.2");
        net.exec(peer, "ip", "route", "add", "default", "via", "10.91.2.1");
        net.exec(rt, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        // the path's bottleneck, as the lab's uplinks: a bounded rate keeps throughput comparable on a busy machine
        // a deep queue: the quiet phase must see no drops even when a loaded machine makes the sender bursty
        net.exec(rt, "tc", "qdisc", "add", "dev", "b0", "root", "tbf", "rate", "20mbit", "burst", "32kb", "latency", "400ms");
        net.start(peer, "iperf3", "-s", "-p", "5201");
        await("iperf3 listening in " + peer, Duration.ofSeconds(5),
                () -> net.commands().run(List.of("ip", "netns", "exec", peer, "ss", "-tlnH"), null).stdout(),
                out -> out.contains(":5201"));
        // the application: a backup that opens a new connection for each 3 s chunk, so new sockets show a new
        // algorithm; at 15 of the path's 20 Mbit/s, so that the losses are the fault's, not slow start's overshoot
        sender = Thread.ofVirtual().start(() -> {
            while (sending) {
                try {
                    net.start(app, "iperf3", "-c", "10.91.2.2", "-p", "5201", "-t", "3", "-b", "15M").waitFor();
                } catch (InterruptedException | IllegalStateException e) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void cleanUp() throws Exception {
        sending = false;
        if (engine != null) {
            engine.close();
        }
        if (scheduler != null) {
            scheduler.close();
        }
        if (net != null) {
            net.close(); // stops the sender's processes, so its thread ends
        }
        if (sender != null) {
            sender.join(Duration.ofSeconds(5));
        }
        if (journal != null) {
            journal.close();
        }
    }

    // lossMediumPct 3: a loaded shared machine alone shows up to 1.5% retransmissions on this path; the fault drops 10%
    Persona persona(String extra) {
        return PersonaCodec.readYaml("""
                apiVersion: netpersona.io/v1
                kind: Persona
                metadata: {name: %s, version: 1}
                spec:
                  app: {netns: %s}
                  trafficClass: bulk
                  tcp: {congestionControl: cubic}
                  adaptation: {lossMediumPct: 3.0, verifyWindow: 3s, cooldown: 30s, mode: apply}
                %s""".formatted(name, app, extra));
    }

    @Test
    void lossOnThePathIsAnsweredWithBbrAndAForcedThrottleIsReverted() throws Exception {
        Persona assigned = persona("");
        substrate = new LinuxSubstrate(net.commands(), net.stateDir(), HostPicture.none(), Clock.systemUTC());
        substrate.apply(substrate.plan(substrate.observe(assigned), assigned));
        assertThat(routes()).contains("congctl cubic").doesNotContain("bbr");
        journal = SqliteJournal.open(dir.resolve("journal.db"));
        scheduler = new VirtualThreadScheduler();
        engine = new Engine(substrate, SignalSource.none(), journal, Clock.systemUTC(), scheduler,
                // a wide margin: on a shared 2-core machine one 3-second window of iperf3 differs from the next by
                // up to a fifth; the judge's margin itself is proven in JudgeTest, this test proves the loop on a kernel
                EngineSettings.defaults().withInterval(Duration.ofSeconds(1)).withNoiseMargin(0.3));
        engine.manage(assigned);
        engine.start(name);

        // without loss: the engine watches and leaves the application alone
        await("three quiet observations", Duration.ofSeconds(8), () -> summary(),
                l -> l.size() == 1 && l.getFirst().startsWith("no-action quiet x") && last().repeats() >= 3);
        JournalEntry quiet = last();
        assertThat(judged(quiet.before(), "lossPct")).as("loss before the fault").isLessThan(3.0);
        assertThat(acts()).isEmpty();

        long onset = System.currentTimeMillis();
        net.commands().check(List.of("ip", "netns", "exec", rt, "nft", "-f", "-"), """
                table inet loss {
                  chain forward {
                    type filter hook forward priority 0; policy accept;
                    oifname "b0" meta l4proto tcp numgen random mod 100 < 10 drop
                  }
                }
                """);
        JournalEntry act = await("the engine acting on the loss", Duration.ofSeconds(10), () -> acts().stream().findFirst(),
                Optional::isPresent).orElseThrow();
        long reactionMs = act.decidedAt() - onset;
        System.out.printf("loss onset -> change applied: %d ms; loss seen %.2f%%, throughput %.1f Mbit/s%n", reactionMs,
                judged(act.before(), "lossPct"), judged(act.before(), "throughputMbps"));
        assertThat(act.rules()).containsExactly(Policies.LOSS_MEDIUM);
        assertThat(act.reason()).contains("loss-medium: loss").contains("> 3%");
        assertThat(judged(act.before(), "lossPct")).isGreaterThan(3.0);
        assertThat(act.changes()).contains("spec.tcp.congestionControl", "\"new\":\"bbr\"");
        assertThat(act.steps()).contains("congctl=cubic -> bbr");
        // the decision is journalled before its apply (write-ahead), so the routes may still be changing
        assertThat(await("bbr on the persona's routes", Duration.ofSeconds(5), this::routes, r -> r.contains("congctl bbr")))
                .as("the persona's routes").doesNotContain("cubic");
        String bbrSocket = await("a new socket of the application with bbr", Duration.ofSeconds(6),
                () -> net.commands().run(List.of("ip", "netns", "exec", app, "ss", "-tinH", "dst", "10.91.2.2"), null)
                        .stdout(), out -> out.contains(" bbr "));
        assertThat(bbrSocket).contains("10.91.2.2:5201");

        JournalEntry kept = await("the verdict on the change", Duration.ofSeconds(10), () -> entry(act.id()),
                e -> e.outcome() != Outcome.PENDING);
        System.out.printf("bbr change: %s (%s)%n", kept.outcome().text(), kept.outcomeReason());
        assertThat(kept.after()).contains("\"judged\"");
        // at this path's sub-millisecond RTT cubic fills the link under loss as well as BBR does, so which of the two
        // windows a loaded machine favours decides the verdict (seen with the handshakes spared the loss: kept 7.6 -> 12,
        // then reverted 13.8 -> 6.0 Mbit/s); this test proves that the kernel follows the verdict either way. The verdict
        // itself is asserted where BBR's effect is real, on the lab's 40 ms path (BbrOnTheLabIT: kept, 4x cubic's rate)
        assertThat(kept.outcome()).isIn(Outcome.KEPT, Outcome.REVERTED);
        if (kept.outcome() == Outcome.KEPT) {
            assertThat(kept.outcomeReason()).startsWith("throughput ").contains("within");
            assertThat(engine.current(name).orElseThrow().spec().tcp().congestionControl().name()).isEqualTo("BBR");
            assertThat(routes()).contains("congctl bbr");
        } else {
            assertThat(kept.outcomeReason()).startsWith("throughput ").contains("worse: below", "reverted");
            assertThat(engine.current(name).orElseThrow().spec().tcp().congestionControl().name()).isEqualTo("CUBIC");
            assertThat(await("cubic back on the persona's routes", Duration.ofSeconds(5), this::routes,
                    r -> r.contains("congctl cubic"))).doesNotContain("bbr");
        }

        // a harmful change forced onto the application: a ceiling a tenth of what it moves
        Persona throttled = engine.current(name).orElseThrow().withSpec(
                persona("  qos: {guaranteedRate: 1Mbit, ceilRate: 2Mbit}\n").spec().withTcp(
                        engine.current(name).orElseThrow().spec().tcp()));
        // the loss ends; a ceiling can only be judged harmful while the application moves data, and after a revert
        // under 10% loss its connections stalled for seconds in some runs (a new iperf3 connection's handshake lost)
        net.commands().check(List.of("ip", "netns", "exec", rt, "nft", "delete", "table", "inet", "loss"), null);
        await("the application sending again at 7 Mbit/s or more", Duration.ofSeconds(15), this::sendingMbps, m -> m >= 7);
        // the engine refuses to force a change before it measured a whole interval after the verdict's revert
        StepResult forced = await("the engine taking the forced change", Duration.ofSeconds(5), () -> {
            try {
                return Optional.of(engine.force(name, throttled, "a 2 Mbit/s ceiling on a bulk flow"));
            } catch (IllegalStateException e) {
                return Optional.<StepResult>empty();
            }
        }, Optional::isPresent).orElseThrow();
        assertThat(forced.kind()).as(forced.summary()).isEqualTo(StepResult.Kind.APPLIED);
        // no host picture: the ceiling stands in for the capacity, and the root takes 99% of it (QosCompiler.EGRESS_SHARE)
        assertThat(classes()).contains("class htb", "ceil 1980Kbit");
        JournalEntry reverted = await("the verdict on the forced change", Duration.ofSeconds(10),
                () -> entry(forced.entryId()), e -> e.outcome() != Outcome.PENDING);
        System.out.printf("forced throttle: %s (%s)%n", reverted.outcome().text(), reverted.outcomeReason());
        assertThat(reverted.outcome()).isEqualTo(Outcome.REVERTED);
        assertThat(reverted.outcomeReason()).startsWith("throughput ").contains("worse: below", "forced held off");
        assertThat(judged(reverted.after(), "throughputMbps")).isLessThan(judged(reverted.before(), "throughputMbps") / 3);
        assertThat(classes()).as("the classes are gone").doesNotContain("class htb");
        assertThat(engine.current(name).orElseThrow().spec().qos()).isNull();
        assertThat(routes()).as("the congestion control the first verdict left stays")
                .contains(kept.outcome() == Outcome.KEPT ? "congctl bbr" : "congctl cubic");
    }

    /** What the application sends, over one second of its device's counters. */
    double sendingMbps() {
        try {
            long a = Long.parseLong(net.exec(app, "cat", "/sys/class/net/eth0/statistics/tx_bytes").strip());
            Thread.sleep(1000);
            long b = Long.parseLong(net.exec(app, "cat", "/sys/class/net/eth0/statistics/tx_bytes").strip());
            return (b - a) * 8 / 1e6;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    String routes() {
        return net.exec(app, "ip", "-d", "route", "show");
    }

    String classes() {
        return net.exec(app, "tc", "class", "show", "dev", "eth0");
    }

    List<JournalEntry> entries() {
        return journal.list(new Journal.Query(name, null, Integer.MAX_VALUE));
    }

    /** One line per entry, to say what the engine did when a wait fails. */
    List<String> summary() {
        return entries().stream().map(e -> e.outcome().text() + " " + e.code() + " x" + e.repeats() + ": " + e.reason()).toList();
    }

    JournalEntry last() {
        List<JournalEntry> all = entries();
        return all.isEmpty() ? null : all.getLast();
    }

    List<JournalEntry> acts() {
        return entries().stream().filter(e -> e.code().equals("act")).toList();
    }

    JournalEntry entry(String id) {
        return entries().stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow();
    }

    static double judged(String signals, String field) {
        JsonNode v = JSON.readTree(signals).path("judged").path(field);
        assertThat(v.isNumber()).as(field + " in " + signals).isTrue();
        return v.asDouble();
    }

    /** Polls {@code read} every 100 ms until {@code done} holds; fails naming {@code what} and the last value. */
    static <T> T await(String what, Duration limit, Supplier<T> read, Predicate<T> done) throws InterruptedException {
        long until = System.nanoTime() + limit.toNanos();
        T v = read.get();
        while (!done.test(v)) {
            if (System.nanoTime() > until) {
                throw new AssertionError("waited " + limit.toSeconds() + " s for " + what + "; last seen: " + v);
            }
            Thread.sleep(100);
            v = read.get();
        }
        return v;
    }
}
