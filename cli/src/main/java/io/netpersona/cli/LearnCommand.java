package io.netpersona.cli;

import io.netpersona.learn.CaptureException;
import io.netpersona.learn.CaptureSummary;
import io.netpersona.learn.FlowMeter;
import io.netpersona.learn.Flows;
import io.netpersona.learn.classify.FlowClassifier;
import io.netpersona.learn.profile.FallbackClassifier;
import io.netpersona.learn.live.CaptureTarget;
import io.netpersona.learn.live.LiveLearning;
import io.netpersona.learn.live.LiveCaptureException;
import io.netpersona.learn.profile.Profile;
import io.netpersona.learn.profile.ProfileBuilder;
import io.netpersona.learn.profile.ProfileException;
import io.netpersona.learn.profile.Selection;
import io.netpersona.learn.synth.PersonaSynthesizer;
import io.netpersona.model.Durations;
import io.netpersona.model.InvalidValueException;
import io.netpersona.model.Names;
import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "learn",
        description = {"Learn an application's persona from its traffic: pcap or pcapng captures, or a live capture in "
                + "its network namespace (root, tcpdump). The application is what --app-port / --app-ip select, or the "
                + "capture's dominant server. Its endpoints, dependencies, per-second rates and traffic class fill the "
                + "template of its class; the firewall allows only what the capture showed; the evidence section says "
                + "why each value is what it is.", ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  persona learn game.pcapng                          the dominant server's persona, YAML on stdout",
            "  persona learn a.pcap b.pcap --app-port udp/27015 --name arena -o arena.yaml",
            "  persona learn db.pcap --app-ip 10.201.1.12 --app-port 5432",
            "  sudo persona learn --netns npl-a-arena --duration 60s -o arena.yaml",
            "  sudo persona learn --interface eth0 --duration 2m --app-port tcp/443",
            "",
            "Exit 0 with the persona written, 1 when a capture cannot be read or holds no traffic of the application,",
            "2 for a bad option."
        },
        mixinStandardHelpOptions = true)
final class LearnCommand implements Callable<Integer> {
    /** The classifier behind every learned class: protocol signatures, then the trained forest. */
    static final FlowClassifier CLASSIFIER = FallbackClassifier.forLearning();

    @Parameters(arity = "0..*", paramLabel = "FILE", description = "pcap or pcapng captures (or none, with --netns/--interface).")
    List<Path> files = new ArrayList<>();

    @Option(names = "--app-port", paramLabel = "P", description = "A port the application serves: udp/27015, tcp/5432 "
            + "or 8080 (either); repeatable.")
    List<String> appPorts = new ArrayList<>();

    @Option(names = "--app-ip", paramLabel = "A", description = "An address of the application; repeatable.")
    List<String> appIps = new ArrayList<>();

    @Option(names = "--name", paramLabel = "N", description = "The persona's name (default: the namespace's, else app- "
            + "and its busiest port).")
    String name;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the persona to FILE (atomically: "
            + "nothing half-written is ever there) instead of standard output.")
    Path output;

    @Option(names = "--netns", paramLabel = "NAME", description = "Capture live in this network namespace (all its interfaces).")
    String netns;

    @Option(names = "--interface", paramLabel = "IF", description = "Capture live on this interface (in --netns when given).")
    String iface;

    @Option(names = "--duration", paramLabel = "D", defaultValue = "60s",
            description = "How long a live capture runs: 30s, 2m, ... (default 60s).")
    String duration;

    @Option(names = "--progress", description = "Show progress and throughput on stderr (shown anyway when stderr is a "
            + "terminal and reading takes more than a second).")
    boolean progress;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        boolean live = netns != null || iface != null;
        if (live == !files.isEmpty()) {
            throw usage(live ? "captures and a live capture (--netns/--interface) do not go together"
                    : "a capture FILE, or --netns NAME / --interface IF for a live capture, is needed");
        }
        if (name != null && !Names.isName(name)) {
            throw usage("--name " + name + ": " + Names.NAME_EXPECTED);
        }
        PrintWriter err = spec.commandLine().getErr();
        String capture;
        java.util.function.Supplier<Profile> built;
        if (live) {
            LiveLearning learning = capture(err);
            capture = learning.target().label() + " for " + Durations.format(Durations.parse(duration));
            built = learning::profile;
        } else {
            ProfileBuilder builder = new ProfileBuilder(selection(), CLASSIFIER);
            capture = read(builder, err);
            if (capture == null) {
                return Main.FAILED;
            }
            built = builder::build;
        }
        Profile profile;
        Persona persona;
        try {
            profile = built.get();
            persona = PersonaSynthesizer.synthesize(profile, new PersonaSynthesizer.Request(name, netns, capture, Instant.now()));
        } catch (ProfileException e) {
            err.println("persona: " + e.getMessage());
            err.flush();
            return Main.FAILED;
        }
        write(PersonaCodec.toYaml(persona));
        err.println(summary(persona, profile));
        err.flush();
        return Main.OK;
    }

    private Selection selection() {
        List<Selection.Port> ports = new ArrayList<>();
        for (String p : appPorts) {
            try {
                ports.add(Selection.Port.parse(p));
            } catch (InvalidValueException e) {
                throw usage("--app-port " + p + ": expected " + e.expected());
            }
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (String a : appIps) {
            try {
                addresses.add(Selection.address(a));
            } catch (InvalidValueException e) {
                throw usage("--app-ip " + a + ": expected " + e.expected());
            }
        }
        return new Selection(ports, addresses);
    }

    /** Reads every file; null when one could not be read (each named on stderr). */
    private String read(ProfileBuilder builder, PrintWriter err) {
        ProgressLine line = new ProgressLine(err, progress || ProgressLine.stderrIsTerminal());
        int failed = 0;
        List<String> names = new ArrayList<>();
        for (Path file : files) {
            try {
                line.start();
                CaptureSummary s = Flows.read(file, FlowMeter.Options.DEFAULTS, builder, builder.packets(), line);
                line.end(s);
                names.add(String.valueOf(file.getFileName()));
                s.problem().ifPresent(p -> err.println("persona: warning: " + p + " (learned from the packets up to there)"));
            } catch (CaptureException e) {
                line.clear();
                err.println("persona: " + e.getMessage());
                failed++;
            }
        }
        err.flush();
        return failed > 0 ? null : String.join(", ", names);
    }

    /** Captures live for the duration, with a line of progress; tcpdump is reaped whatever happens. */
    private LiveLearning capture(PrintWriter err) throws InterruptedException {
        Duration d;
        try {
            d = Durations.parse(duration);
        } catch (InvalidValueException e) {
            throw usage("--duration " + duration + ": expected " + e.expected());
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofDays(1)) > 0) {
            throw usage("--duration " + duration + ": expected 1s..24h");
        }
        CaptureTarget target;
        try {
            target = new CaptureTarget(netns, iface);
        } catch (LiveCaptureException e) {
            throw usage(e.getMessage());
        }
        Selection selection = selection();
        boolean show = progress || ProgressLine.stderrIsTerminal();
        try (LiveLearning l = LiveLearning.start(target, selection, CLASSIFIER)) {
            Thread hook = new Thread(l::close);
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                l.awaitListening(Duration.ofSeconds(10));
                long until = System.nanoTime() + d.toNanos();
                while (System.nanoTime() < until) {
                    Thread.sleep(Math.min(250, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
                    if (show) {
                        err.print(String.format(Locale.ROOT, "\r%s: %d s of %d s, %,d packets ", target.label(),
                                l.elapsed().toSeconds(), d.toSeconds(), l.packets()));
                        err.flush();
                    }
                }
                CaptureSummary s = l.stop();
                if (show) {
                    err.println();
                }
                s.problem().ifPresent(p -> err.println("persona: warning: " + p));
                return l;
            } finally {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
    }

    private void write(String yaml) throws IOException {
        if (output == null) {
            PrintWriter out = spec.commandLine().getOut();
            out.print(yaml);
            out.flush();
            return;
        }
        Path target = output.toAbsolutePath();
        Path dir = target.getParent();
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            Files.writeString(temp, yaml);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private String summary(Persona p, Profile profile) {
        var s = p.spec();
        return String.format(Locale.ROOT, "persona: learned %s: %s (confidence %.2f), %d flows, %d served endpoint%s, "
                        + "%d dependenc%s%s", p.name(),
                s.trafficClass() == null ? "class unknown" : s.trafficClass().name().toLowerCase(Locale.ROOT),
                profile.trafficClass().confidence(), profile.flows(), profile.served().size(),
                profile.served().size() == 1 ? "" : "s", profile.dependencies().size(),
                profile.dependencies().size() == 1 ? "y" : "ies", output == null ? "" : "; written to " + output);
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
