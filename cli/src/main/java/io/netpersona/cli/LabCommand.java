package io.netpersona.cli;

import io.netpersona.lab.InvalidLabConfigException;
import io.netpersona.lab.Lab;
import io.netpersona.lab.LabConfig;
import io.netpersona.lab.LabStatus;
import io.netpersona.lab.Site;
import io.netpersona.lab.story.LabStory;
import io.netpersona.lab.story.StoryOptions;
import io.netpersona.model.Durations;
import io.netpersona.model.InvalidValueException;
import io.netpersona.model.Problem;
import io.netpersona.model.Rate;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;

@Command(
        name = "lab",
        description = {"Without a command: the whole story on a real network of namespaces on this machine. Builds the "
                + "lab, starts a game, a video service, a database, a web service and a backup (servers behind site-a's "
                + "host, users on the client hosts), measures each alone (unloaded), all together with a bulk load filling "
                + "the 20 Mbit/s uplink and nothing configured (baseline), learns every application's persona from its live "
                + "traffic, applies them, measures again (persona), then runs the adaptation engine through three faults: "
                + "loss on the path, a new bulk job congesting the uplink, a harmful change forced onto the backup. Prints "
                + "progress, a table and the adaptation timeline; writes lab-report.json, lab-report.html and the engine's "
                + "journal.db into --out. About a minute with --quick, a few minutes without. Ctrl-C at any moment "
                + "removes everything. Needs root (and tcpdump, nft, tc, ip).",
                "",
                "The commands up, down and status build, remove and show the lab network alone: a router with client hosts, "
                + "two sites whose hosts reach the router over a bottleneck uplink (a deep FIFO, like an untuned device), "
                + "applications in their own namespaces behind their host, and paths to the sites with their own base "
                + "delay, loss and MTU. Every name starts with one prefix (npl- by default).", ""},
        subcommands = {LabCommand.Up.class, LabCommand.Down.class, LabCommand.Status.class},
        synopsisSubcommandLabel = "COMMAND",
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  sudo ./persona lab --quick                         the story in about a minute; results in ./lab-results/TIME",
            "  sudo ./persona lab --out /tmp/run1                 the full story (a few minutes)",
            "  sudo ./persona lab up                              build the default lab (removes an old one first)",
            "  sudo ./persona lab status                          what exists, and the delay element's health",
            "  sudo ip netns exec npl-client1 ping 10.201.1.10    a client pings arena on site-a (~40 ms)",
            "  sudo ./persona lab down                            remove everything of the lab"
        },
        mixinStandardHelpOptions = true)
final class LabCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--quick", description = "Short phases: the whole story in about a minute.")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the report goes (default: ./lab-results/<time>).")
    Path out;

    @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = LabConfig.DEFAULT_PREFIX,
            description = "The name prefix of the story's lab (default: ${DEFAULT-VALUE}); an earlier lab of this prefix is removed first.")
    String prefix;

    /** The story: exit 0 when it ran to its report, 1 when it could not (not root, a tool missing, the lab failed). */
    @Override
    public Integer call() {
        try {
            LabConfig.builder().prefix(prefix).build();
        } catch (InvalidLabConfigException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.join("\npersona: ",
                    e.problems().stream().map(p -> "--" + p.path() + ": " + p.message()).toList()));
        }
        PrintWriter w = spec.commandLine().getOut();
        Path dir = out != null ? out.toAbsolutePath() : Path.of("lab-results", java.time.LocalDateTime.now()
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString().replace(':', '-')).toAbsolutePath();
        StoryOptions options = new StoryOptions(quick, dir, prefix, LabConfig.defaultStateDir(prefix), line -> {
            w.println(line);
            w.flush();
        });
        LabStory.run(options);
        return Main.OK;
    }

    /** Which lab: the prefix and the state folder (for a second lab next to the first). */
    static final class Which {
        @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = LabConfig.DEFAULT_PREFIX,
                description = "The name prefix of the lab's namespaces and devices (default: ${DEFAULT-VALUE}).")
        String prefix;

        @Option(names = "--state-dir", paramLabel = "DIR",
                description = "Where the lab keeps its files, the host picture among them (default: /run/netpersona/lab "
                        + "for the prefix npl-, /run/netpersona/lab-P for a prefix P-).")
        Path stateDir;

        Path stateDir() {
            return stateDir == null ? LabConfig.defaultStateDir(prefix) : stateDir.toAbsolutePath();
        }
    }

    @Command(
            name = "up",
            description = {"Build the lab. Removes whatever an earlier lab with the same prefix left first (also after a "
                    + "crash), and removes what it built when building fails or is interrupted (Ctrl-C). The TUN delay "
                    + "element keeps running in the background until 'persona lab down'.",
                "Layout: clients 10.200.0.11.. behind the router; site-a 10.201.0.0/16 (host 10.201.0.2, applications "
                    + "10.201.1.10.. in the order of --apps-a), site-b 10.202.0.0/16. Delay and loss apply to each "
                    + "direction of a path, so a ping's round trip sees twice the delay and about twice the loss.", ""},
            footerHeading = "%nExamples:%n",
            footer = {
                "  sudo ./persona lab up",
                "  sudo ./persona lab up --rate 50Mbit --delay-a 10ms --delay-b 60ms --loss-b 1",
                "  sudo ./persona lab up --mtu-b 1280 --apps-b arena,db       a second set of applications on site-b",
                "",
                "Defaults: --rate 20Mbit, --delay-a 20ms, --delay-b 40ms, no loss, --mtu-a 1500, --mtu-b 1400,",
                "--apps-a arena,video,db,web,backup, --apps-b none (a host ready for migrated applications), 2 clients.",
                "Exit 0 when the lab is up, 1 when it could not be built (nothing is left behind), 2 for bad options."
            },
            mixinStandardHelpOptions = true)
    static final class Up implements Callable<Integer> {
        @CommandLine.Mixin
        Which which;

        @Option(names = "--rate", paramLabel = "RATE", defaultValue = "20Mbit",
                description = "Capacity of each site's uplink, both directions (1Mbit..1Gbit; default ${DEFAULT-VALUE}).")
        String rate;

        @Option(names = "--delay-a", paramLabel = "DURATION", defaultValue = "20ms", description = "One-way base delay of the path to site-a (0ms..1s).")
        String delayA;

        @Option(names = "--delay-b", paramLabel = "DURATION", defaultValue = "40ms", description = "One-way base delay of the path to site-b.")
        String delayB;

        @Option(names = "--loss-a", paramLabel = "PERCENT", defaultValue = "0", description = "Loss of the path to site-a, percent per direction (0..100, one decimal).")
        String lossA;

        @Option(names = "--loss-b", paramLabel = "PERCENT", defaultValue = "0", description = "Loss of the path to site-b.")
        String lossB;

        @Option(names = "--mtu-a", paramLabel = "BYTES", defaultValue = "1500", description = "MTU of the path to site-a (576..1500).")
        String mtuA;

        @Option(names = "--mtu-b", paramLabel = "BYTES", defaultValue = "1400", description = "MTU of the path to site-b (576..1500).")
        String mtuB;

        @Option(names = "--apps-a", paramLabel = "NAMES", defaultValue = "arena,video,db,web,backup",
                description = "Applications behind site-a's host, comma-separated (each a namespace PREFIXa-NAME).")
        String appsA;

        @Option(names = "--apps-b", paramLabel = "NAMES", defaultValue = "", description = "Applications behind site-b's host (default: none).")
        String appsB;

        @Option(names = "--clients", paramLabel = "N", defaultValue = "2", description = "Client hosts behind the router (1..8).")
        String clients;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            LabConfig config = config();
            long started = System.nanoTime();
            Lab lab = Lab.up(config);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("lab %s is up (%.1f s); try: sudo ip netns exec %s ping %s%n", config.prefix(), (System.nanoTime() - started) / 1e9,
                    lab.layout().client(1), config.siteA().apps().isEmpty() ? lab.layout().uplinkAddress(Site.A)
                            : lab.layout().appAddress(Site.A, config.siteA().apps().getFirst()));
            out.print(lab.status().text());
            out.flush();
            return Main.OK;
        }

        /** Every bad option at once, each with its value and what was expected. */
        LabConfig config() {
            List<String> problems = new ArrayList<>();
            LabConfig.Builder b = LabConfig.builder().prefix(which.prefix).stateDir(which.stateDir());
            try {
                b.rate(Rate.parse(rate));
            } catch (InvalidValueException e) {
                problems.add("--rate: " + rate + " (expected: " + e.expected() + ")");
            }
            for (Site s : Site.values()) {
                String delay = s == Site.A ? delayA : delayB, loss = s == Site.A ? lossA : lossB, mtu = s == Site.A ? mtuA : mtuB;
                try {
                    b.delay(s, delay.strip().equals("0") ? java.time.Duration.ZERO : Durations.parse(delay));
                } catch (InvalidValueException e) {
                    problems.add("--delay-" + s.letter() + ": " + delay + " (expected: " + e.expected() + ")");
                }
                try {
                    b.loss(s, Double.parseDouble(loss.strip().replaceFirst("%$", "")));
                } catch (NumberFormatException e) {
                    problems.add("--loss-" + s.letter() + ": " + loss + " (expected: a percentage 0..100 such as 3 or 0.5)");
                }
                try {
                    b.mtu(s, Integer.parseInt(mtu.strip()));
                } catch (NumberFormatException e) {
                    problems.add("--mtu-" + s.letter() + ": " + mtu + " (expected: a number of bytes, 576..1500)");
                }
                String apps = s == Site.A ? appsA : appsB;
                b.apps(s, apps.isBlank() ? List.of() : Arrays.stream(apps.split(",", -1)).map(String::strip).toList());
            }
            try {
                b.clients(Integer.parseInt(clients.strip()));
            } catch (NumberFormatException e) {
                problems.add("--clients: " + clients + " (expected: a number, 1..8)");
            }
            try {
                LabConfig c = b.build();
                if (problems.isEmpty()) {
                    return c;
                }
            } catch (InvalidLabConfigException e) {
                Set<String> merged = new LinkedHashSet<>(problems);
                for (Problem p : e.problems()) {
                    // the configuration says rate-a and rate-b; the command has one --rate for both
                    merged.add("--" + (p.path().startsWith("rate-") ? "rate" : p.path()) + ": " + p.message());
                }
                problems = new ArrayList<>(merged);
            }
            throw new CommandLine.ParameterException(spec.commandLine(), String.join("\npersona: ", problems));
        }
    }

    @Command(
            name = "down",
            description = {"Remove the lab: the processes in its namespaces (the delay element among them), the namespaces "
                    + "and their devices, /etc/netns folders and state files with its prefix. Safe to run twice.", ""},
            footerHeading = "%nExamples:%n",
            footer = {"  sudo ./persona lab down", "  sudo ./persona lab down --prefix lt1-", "", "Exit 0 when nothing of the lab is left."},
            mixinStandardHelpOptions = true)
    static final class Down implements Callable<Integer> {
        @CommandLine.Mixin
        Which which;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(Lab.down(which.stateDir(), which.prefix));
            spec.commandLine().getOut().flush();
            return Main.OK;
        }
    }

    @Command(
            name = "status",
            description = {"Show what exists of the lab, read from the kernel: namespaces and links, each path's rate, "
                    + "FIFO, delay, loss, MTU and packet counters, and whether the delay element is alive.", ""},
            footerHeading = "%nExamples:%n",
            footer = {"  sudo ./persona lab status", "  sudo ./persona lab status -o json | jq .paths", "",
                "Exit 0 when the lab is up and complete, 1 when it is down or broken (the problems say what is wrong)."},
            mixinStandardHelpOptions = true)
    static final class Status implements Callable<Integer> {
        @CommandLine.Mixin
        Which which;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json.")
        TextOrJson output;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            LabStatus s = Lab.status(which.stateDir(), which.prefix);
            PrintWriter out = spec.commandLine().getOut();
            out.print(output == TextOrJson.json ? JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(s) + "\n" : s.text());
            out.flush();
            return s.state() == LabStatus.State.UP ? Main.OK : Main.FAILED;
        }
    }
}
