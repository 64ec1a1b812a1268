package io.netpersona.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netpersona.engine.Engine;
import io.netpersona.engine.EngineSettings;
import io.netpersona.engine.Journal;
import io.netpersona.engine.JournalEntry;
import io.netpersona.engine.Outcome;
import io.netpersona.engine.SignalSource;
import io.netpersona.engine.SqliteJournal;
import io.netpersona.engine.VirtualThreadScheduler;
import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.substrate.linux.Commands;
import io.netpersona.substrate.linux.LinuxSubstrate;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's answer to loss on a path where it matters: the lab's site-a path (40 ms round trip, 20 Mbit/s), where
 * cubic under 3% random loss moves a tenth of the link (LAB.md: 1.6 Mbit/s) and BBR nearly all of it. The engine's
 * own kernel test runs on a sub-millisecond path, where cubic recovers from each loss within a millisecond and the two
 * fill the link alike, so there the verdict on BBR is noise; here it is an effect of several times.
 */
class BbrOnTheLabIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void lossOnARealPathIsAnsweredWithBbrThatIsKeptAndBringsTheThroughputBack() throws Exception {
        assumeTrue(Privileges.effectiveUidIsZero() && new Commands().run(List.of("ip", "netns", "list"), null).ok(),
                "skipped: the lab needs root to create network namespaces; its kernel tests run where root is available, as in CI");
        String prefix = "bb" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt()).substring(1) + "-";
        Path state = dir.resolve("state");
        Lab lab = Lab.up(LabConfig.builder().prefix(prefix).stateDir(state).apps(Site.A, List.of("backup")).build());
        Thread hook = new Thread(() -> Lab.down(state, prefix));
        Runtime.getRuntime().addShutdownHook(hook);
        String app = lab.layout().app(Site.A, "backup"), client = lab.layout().client(1);
        Process server = lab.start(client, List.of("iperf3", "-s", "-p", "5201"));
        // a backup sending file after file (2 s each, a connection each), so that a new congestion control on its routes
        // reaches its next connection; the verify window (6 s) is longer than a connection and its start, so the
        // median of its samples is of connections with the new congestion control (with 3 s it was mostly the old
        // connection's: kept at 5.9 -> 6.0, or reverted at 9.5 -> 4.4 Mbit/s after one lucky second of cubic). Its socket
        // buffer is bounded (256 KiB, over twice the path's 100 KB of bandwidth-delay product): with the kernel's
        // autotuned megabytes, a cubic connection under loss kept draining what it had written for seconds after its
        // 2 s, into the window (2.2 -> 2.2 Mbit/s, and 4.2 -> 1.1 reverted, in runs with a 6 s window)
        Thread sender = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    lab.start(app, List.of("iperf3", "-c", lab.layout().clientAddress(1), "-p", "5201", "-t", "2", "-w", "256K"))
                            .waitFor();
                } catch (InterruptedException | RuntimeException e) {
                    return;
                }
            }
        });
        try (SqliteJournal journal = SqliteJournal.open(dir.resolve("journal.db"));
                VirtualThreadScheduler scheduler = new VirtualThreadScheduler()) {
            Persona persona = PersonaCodec.readYaml("""
                    apiVersion: netpersona.io/v1
                    kind: Persona
                    metadata: {name: backup, version: 1}
                    spec:
                      app: {netns: %s}
                      trafficClass: bulk
                      tcp: {congestionControl: cubic}
                      adaptation: {lossMediumPct: 1.5, verifyWindow: 6s, cooldown: 30s, mode: apply}
                    """.formatted(app));
            LinuxSubstrate substrate = new LinuxSubstrate(new Commands(), dir.resolve("substrate"), lab.picture(), Clock.systemUTC());
            substrate.apply(substrate.plan(substrate.observe(persona), persona));
            double clean = sendingMbps(lab, app, 3);
            lab.setLoss(Site.A, 3);
            // the fault before the engine runs: cubic's own answer to the loss
            Thread.sleep(1000);
            double cubic = sendingMbps(lab, app, 3);

            try (Engine engine = new Engine(substrate, SignalSource.none(), journal, Clock.systemUTC(), scheduler,
                    EngineSettings.defaults().withInterval(Duration.ofSeconds(1)).withNoiseMargin(0.3))) {
                engine.manage(persona);
                engine.start("backup");
                JournalEntry act = await(Duration.ofSeconds(10), () -> acts(journal).stream().findFirst());
                assertThat(act.reason()).contains("loss-medium: loss");
                assertThat(act.changes()).contains("spec.tcp.congestionControl", "\"new\":\"bbr\"");
                JournalEntry verdict = await(Duration.ofSeconds(15), () -> acts(journal).stream()
                        .filter(e -> e.id().equals(act.id()) && e.outcome() != Outcome.PENDING).findFirst());
                double bbr = sendingMbps(lab, app, 3);
                System.out.printf("site-a path, 3%% loss: cubic %.1f Mbit/s (%.1f without loss), BBR %.1f Mbit/s; verdict %s (%s)%n",
                        cubic, clean, bbr, verdict.outcome().text(), verdict.outcomeReason());
                assertThat(clean).as("cubic without loss").isGreaterThan(12);
                assertThat(cubic).as("cubic under 3% loss").isLessThan(clean / 2);
                assertThat(verdict.outcome()).as(verdict.outcomeReason()).isEqualTo(Outcome.KEPT);
                assertThat(verdict.outcomeReason()).startsWith("throughput ");
                assertThat(lab.exec(app, "ip", "-d", "route", "show").stdout()).contains("congctl bbr");
                // the effect: several times cubic's throughput under the same loss
                // (seen: 15.2 against 3.7, and the verdict's 12.9 against 1.4 Mbit/s)
                assertThat(bbr).as("BBR under 3% loss, against cubic's " + cubic).isGreaterThan(2 * cubic).isGreaterThan(10);
            }
        } finally {
            sender.interrupt();
            server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            Lab.down(state, prefix);
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }

    static List<JournalEntry> acts(Journal journal) {
        return journal.list(new Journal.Query("backup", null, Integer.MAX_VALUE)).stream().filter(e -> e.code().equals("act")).toList();
    }

    /** What the application sent over {@code seconds}, from its device's counters. */
    static double sendingMbps(Lab lab, String ns, int seconds) throws InterruptedException {
        String counter = "/sys/class/net/" + lab.layout().eth() + "/statistics/tx_bytes";
        long a = Long.parseLong(lab.exec(ns, "cat", counter).stdout().strip());
        Thread.sleep(seconds * 1000L);
        long b = Long.parseLong(lab.exec(ns, "cat", counter).stdout().strip());
        return (b - a) * 8 / 1e6 / seconds;
    }

    static JournalEntry await(Duration limit, java.util.function.Supplier<Optional<JournalEntry>> read) throws InterruptedException {
        long until = System.nanoTime() + limit.toNanos();
        Optional<JournalEntry> v = read.get();
        while (v.isEmpty()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("waited " + limit.toSeconds() + " s for the engine's journal");
            }
            Thread.sleep(100);
            v = read.get();
        }
        return v.get();
    }
}
