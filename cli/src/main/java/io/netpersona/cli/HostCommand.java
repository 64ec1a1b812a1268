package io.netpersona.cli;

import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.substrate.Capabilities;
import io.netpersona.substrate.ChangeSet;
import io.netpersona.substrate.InvalidRequestException;
import io.netpersona.substrate.Metrics;
import io.netpersona.substrate.Observation;
import io.netpersona.substrate.Resource;
import io.netpersona.substrate.SubstrateException;
import io.netpersona.substrate.linux.Commands;
import io.netpersona.substrate.linux.HostPicture;
import io.netpersona.lab.LabConfig;
import io.netpersona.substrate.linux.HostPictureCodec;
import io.netpersona.substrate.linux.LinuxSubstrate;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

@Command(
        name = "host",
        description = {"Apply, inspect and remove personas on this machine's kernel, without a control plane.", ""},
        subcommands = {HostCommand.Apply.class, HostCommand.Show.class, HostCommand.Remove.class,
            HostCommand.Caps.class},
        synopsisSubcommandLabel = "COMMAND",
        mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
            "  persona host capabilities",
            "  persona host apply -f arena.yaml --dry-run",
            "  persona host apply -f arena.yaml",
            "  persona host show arena -o json",
            "  persona host remove arena",
            "",
            "Changing the kernel needs root. The host picture (which namespace is a host, its uplink and capacity)",
            "comes from --picture, or from the lab's " + "/run/netpersona/lab/host-picture.json when a lab runs."
        })
final class HostCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a host command is needed (apply, show, remove, capabilities)");
    }

    /** Options every host command shares. */
    static final class Where {
        @Option(names = "--picture", paramLabel = "FILE",
                description = "Host picture JSON (default: the lab's, when it exists; else none).")
        Path picture;

        @Option(names = "--state", paramLabel = "DIR", description = "Where persona records are kept (default: ${DEFAULT-VALUE}).")
        Path state = LinuxSubstrate.DEFAULT_STATE;

        LinuxSubstrate substrate() {
            return HostCommand.substrate(picture, state);
        }
    }

    /** This host's substrate: the host picture from {@code picture}, else the lab's when one runs, else none. */
    static LinuxSubstrate substrate(Path picture, Path state) {
        Path lab = LabConfig.DEFAULT_STATE.resolve("host-picture.json");
        HostPicture p = picture != null ? HostPictureCodec.read(picture)
                : Files.exists(lab) ? HostPictureCodec.read(lab) : HostPicture.none();
        return new LinuxSubstrate(new Commands(), state, p, Clock.systemUTC());
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    static int needRoot(PrintWriter err) {
        err.println("persona host: changing the kernel's network state needs root (or CAP_NET_ADMIN and CAP_SYS_ADMIN); "
                + "run it with sudo, or use --dry-run to see the plan");
        err.flush();
        return Main.FAILED;
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = {"Plan a persona against this host and apply it; prints the change set.", ""},
            footerHeading = "%nExamples:%n",
            footer = {"  persona host apply -f arena.yaml --dry-run    print the change set, touch nothing",
                "  persona host apply -f arena.yaml              apply it (all or nothing)",
                "", "Exit 0 applied (or nothing to do), 1 refused or failed (the host is put back as it was)."})
    static final class Apply implements Callable<Integer> {
        @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "The persona (YAML or JSON).")
        String file;

        @Option(names = "--dry-run", description = "Print the change set and apply nothing.")
        boolean dryRun;

        @CommandLine.Mixin
        Where where = new Where();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
            Documents.Loaded loaded = Documents.load(file);
            if (!loaded.valid()) {
                loaded.problemLines().forEach(err::println);
                err.flush();
                return Main.FAILED;
            }
            if (!dryRun && !isRoot()) {
                return needRoot(err);
            }
            Persona persona = loaded.persona();
            LinuxSubstrate substrate = where.substrate();
            try {
                ChangeSet plan = substrate.plan(substrate.observeState(persona), persona);
                out.println(plan);
                if (dryRun || plan.isEmpty()) {
                    out.println(dryRun ? "(dry run: nothing applied)" : "");
                } else {
                    substrate.apply(plan);
                    out.println("applied " + plan.steps().size() + " change(s) for " + persona.name());
                }
                out.flush();
                return Main.OK;
            } catch (InvalidRequestException e) {
                e.problems().forEach(p -> err.println(file + ": " + p));
                err.println("nothing was applied");
            } catch (SubstrateException e) { // an ApplyFailedException says the host was put back
                err.println("persona host apply: " + e.getMessage());
            }
            err.flush();
            return Main.FAILED;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"A persona's actual state on this host, its drift and its metrics.", ""},
            footerHeading = "%nExamples:%n", footer = {"  persona host show arena", "  persona host show arena -o json"})
    static final class Show implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "The persona's name.")
        String name;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json.")
        TextOrJson output;

        @CommandLine.Mixin
        Where where = new Where();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
            LinuxSubstrate substrate = where.substrate();
            Persona persona = substrate.applied(name).orElse(null);
            if (persona == null) {
                err.println("persona host show: no persona " + name + " on this host"
                        + (substrate.personas().isEmpty() ? " (none applied)" : " (applied: " + String.join(", ", substrate.personas()) + ")"));
                err.flush();
                return Main.FAILED;
            }
            Observation o = substrate.observe(persona);
            if (output == TextOrJson.json) {
                out.print(PersonaCodec.write(json(o), PersonaCodec.Format.JSON));
            } else {
                out.println("persona " + name + ": " + o.actual().size() + " resource(s), "
                        + (o.drift().isEmpty() ? "no drift" : o.drift().size() + " drifted"));
                o.actual().values().forEach(r -> out.println("  " + r.key() + " " + r.attributes()));
                o.drift().forEach(d -> out.println("  drift: " + d));
                Metrics m = o.metrics();
                out.println("traffic: rx " + m.traffic().rxBytes() + " B / " + m.traffic().rxPackets() + " pkts, tx "
                        + m.traffic().txBytes() + " B / " + m.traffic().txPackets() + " pkts");
                m.queues().forEach(q -> out.println("  queue " + q.device() + " " + q.handle() + ": backlog "
                        + q.backlogBytes() + " B, drops " + q.drops() + ", overlimits " + q.overlimits()));
                m.sockets().forEach(s -> out.println("  tcp " + s.local() + " -> " + s.peer() + " " + s.congestionControl()
                        + " rtt " + s.rttMs() + " ms, retrans " + s.retransmits()));
                m.devices().forEach(d -> out.println("  dev " + d.name() + ": rx " + d.rxBytes() + " B, tx " + d.txBytes() + " B"));
            }
            out.flush();
            return Main.OK;
        }

        private static ObjectNode json(Observation o) {
            ObjectNode root = JsonNodeFactory.instance.objectNode();
            root.put("persona", o.persona());
            var resources = root.putArray("resources");
            for (Resource r : o.actual().values()) {
                ObjectNode n = resources.addObject();
                n.put("kind", r.kind());
                n.put("scope", r.scope());
                n.put("id", r.id());
                ObjectNode attrs = n.putObject("attributes");
                r.attributes().forEach(attrs::put);
            }
            var drift = root.putArray("drift");
            o.drift().forEach(drift::add);
            root.set("metrics", tools.jackson.databind.json.JsonMapper.builder().build().valueToTree(o.metrics()));
            return root;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = {"Remove everything a persona put on this host, and put back what it changed.", ""},
            footerHeading = "%nExamples:%n", footer = {"  persona host remove arena"})
    static final class Remove implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "The persona's name.")
        String name;

        @CommandLine.Mixin
        Where where = new Where();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
            if (!isRoot()) {
                return needRoot(err);
            }
            LinuxSubstrate substrate = where.substrate();
            try {
                ChangeSet removal = substrate.planRemoval(name);
                if (removal.isEmpty()) {
                    err.println("persona host remove: nothing of persona " + name + " is on this host");
                    err.flush();
                    return Main.FAILED;
                }
                out.println(removal);
                substrate.apply(removal);
                out.println("removed " + name);
                out.flush();
                return Main.OK;
            } catch (SubstrateException e) {
                err.println("persona host remove: " + e.getMessage());
                err.flush();
                return Main.FAILED;
            }
        }
    }

    @Command(name = "capabilities", mixinStandardHelpOptions = true,
            description = {"What this host can and cannot do for personas, and why.", ""})
    static final class Caps implements Callable<Integer> {
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json.")
        TextOrJson output;

        @CommandLine.Mixin
        Where where = new Where();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Capabilities c = where.substrate().capabilities();
            if (output == TextOrJson.json) {
                ObjectNode root = JsonNodeFactory.instance.objectNode();
                root.put("substrate", c.substrate());
                ObjectNode features = root.putObject("features");
                c.features().values().forEach(f -> {
                    ObjectNode n = features.putObject(f.name());
                    n.put("available", f.available());
                    if (!f.available()) {
                        n.put("reason", f.reason());
                    }
                });
                out.print(PersonaCodec.write(root, PersonaCodec.Format.JSON));
            } else {
                c.features().values().stream().filter(Capabilities.Capability::available)
                        .forEach(f -> out.println("  yes  " + f.name()));
                c.missing().forEach(f -> out.println("  no   " + f.name() + ": " + f.reason()));
            }
            out.flush();
            return Main.OK;
        }
    }
}
