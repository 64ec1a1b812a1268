package io.netpersona.lab.traffic;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The main class of a lab application process: {@code Generators ROLE --seconds S [--key value]...}, started by
 * {@link AppProcess} (in a namespace through {@code ip netns exec}). It runs the role until {@code --seconds}
 * have passed or SIGTERM comes, then prints its measurements as one {@link AppResult} line and exits; servers
 * print {@code ready} once they listen. A run never outlives its seconds, whoever forgets to stop it.
 */
public final class Generators {
    private Generators() {
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0 || argv.length % 2 == 0) {
            System.err.println("usage: Generators ROLE [--key value]...");
            System.exit(2);
        }
        Map<String, String> a = new HashMap<>();
        for (int i = 1; i + 1 < argv.length; i += 2) {
            a.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        TrafficApp.Role role = TrafficApp.Role.of(argv[0]);
        Run run = new Run(a);
        CountDownLatch done = new CountDownLatch(1);
        // SIGTERM ends the run early; the measurements so far are still printed, by main, before the JVM halts
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            run.stopNow();
            try {
                done.await(3, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        Map<String, Double> metrics;
        try {
            metrics = switch (role) {
                case GAME_SERVER -> Servers.game(run);
                case DB_SERVER -> Servers.database(run);
                case BULK_SERVER -> Servers.bulk(run);
                case VIDEO_SERVER -> Servers.video(run);
                case WEB_SERVER -> Servers.web(run);
                case DNS -> Servers.dns(run);
                case LISTEN -> Servers.listen(run);
                case GAME_CLIENTS -> Clients.game(run);
                case DB_CLIENTS -> Clients.database(run);
                case BULK_CLIENTS -> Clients.bulk(run);
                case VIDEO_CLIENTS -> Clients.video(run);
                case WEB_CLIENTS -> Clients.web(run);
                case PROBE -> Clients.probe(run);
            };
        } catch (Exception e) {
            System.err.println(role.text() + ": " + e);
            System.err.flush();
            done.countDown();
            System.exit(1);
            return;
        }
        System.out.println(new AppResult(role.text(), metrics).line());
        System.out.flush();
        done.countDown();
        System.exit(0);
    }

    /** Servers say when they listen, so that nothing is sent to a port that is not open yet. */
    static void ready() {
        System.out.println("ready");
        System.out.flush();
    }
}
