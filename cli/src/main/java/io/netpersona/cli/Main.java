package io.netpersona.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code persona} command. Exit codes: 0 ok, 1 invalid input or failure, 2 usage error, 3 differences. */
@Command(
        name = "persona",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "netpersona gives every application a network persona: one versioned document that says how the "
                + "network around it should behave (QoS, firewall, TCP, MTU, DNS, routing, topology).",
            ""
        },
        subcommands = {ValidateCommand.class, DiffCommand.class, BlendCommand.class, FlowsCommand.class, ClassifyCommand.class,
            LearnCommand.class, HostCommand.class, LabCommand.class, JournalCommand.class, CertsCommand.class, ServeCommand.class, AgentCommand.class,
            RepositoryCommands.Apply.class, RepositoryCommands.Get.class, RepositoryCommands.History.class,
            RepositoryCommands.Rollback.class, RepositoryCommands.Assign.class, RepositoryCommands.Unassign.class,
            CommandLine.HelpCommand.class},
        synopsisSubcommandLabel = "COMMAND",
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  success           1  invalid input or a failure",
            "  2  usage error       3  persona diff: the personas differ",
            "",
            "Run 'persona COMMAND --help' for a command's options and examples."
        })
public final class Main implements Runnable {
    /** Exit codes shared by the commands. */
    static final int OK = 0, FAILED = 1, USAGE = 2, DIFFERENT = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command with the given output streams; returns the exit code. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine(args);
        cl.setUsageHelpAutoWidth(true);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((e, args1) -> {
            // always the message, then any suggestion, then the usage of the command that was meant
            PrintWriter w = e.getCommandLine().getErr();
            w.println("persona: " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, w);
            w.println();
            e.getCommandLine().usage(w);
            w.flush();
            return USAGE;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("persona: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (System.getenv("PERSONA_DEBUG") != null) {
                e.printStackTrace(commandLine.getErr());
            }
            return FAILED;
        });
        return cl.execute(args);
    }

    /**
     * The whole command tree, or, when the first argument names a command, a root with that command alone:
     * picocli builds every command it is given (options, converters, the libraries their fields load), and
     * that costs a short run like {@code persona flows} a good part of its time.
     */
    static CommandLine commandLine(String[] args) {
        if (args.length > 0) {
            for (Class<?> c : Main.class.getAnnotation(Command.class).subcommands()) {
                Command command = c.getAnnotation(Command.class);
                if (command != null && command.name().equals(args[0]) && c != CommandLine.HelpCommand.class) {
                    CommandLine root = new CommandLine(new Root());
                    root.addSubcommand(new CommandLine(c, CommandLine.defaultFactory()));
                    return root;
                }
            }
        }
        return new CommandLine(new Main());
    }

    /** The root of a command line that knows one command (see {@link #commandLine}). */
    @Command(name = "persona", mixinStandardHelpOptions = true, versionProvider = Main.Version.class)
    static final class Root implements Runnable {
        @Override
        public void run() {
            throw new IllegalStateException("a command line with one command runs that command");
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed (validate, diff, blend, flows, learn, host, lab, journal, certs, serve, apply, get, ...)");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"persona " + p.getProperty("version", "unknown") + " (netpersona)",
                "Java " + Runtime.version() + " " + System.getProperty("java.vendor", "")};
        }
    }
}
