package io.netpersona.cli;

import io.netpersona.identity.CertificateAuthority;
import io.netpersona.identity.IdentityException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "certs",
        description = {"The installation's own certificate authority, so a first run needs no other tool: the control "
                + "plane and every agent prove who they are with certificates it signs (mutual TLS). The node name in "
                + "an agent's certificate is its identity.", ""},
        subcommands = {CertsCommand.Init.class, CertsCommand.Issue.class},
        synopsisSubcommandLabel = "COMMAND",
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  persona certs init /etc/netpersona/certs --host cp.example.org",
            "  persona certs issue /etc/netpersona/certs edge-01     writes edge-01.crt and edge-01.key",
            "",
            "Keys are PKCS#8 PEM files readable by their owner only; copy a node's .crt, .key and ca.crt to its host.",
            "No file is ever overwritten."
        },
        mixinStandardHelpOptions = true)
final class CertsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed (init, issue)");
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = {"Create a CA (ca.crt, ca.key, good for ten years) and the control plane's certificate "
                    + "(control.crt, control.key) in DIR, which is created (owner only) when missing.", ""})
    static final class Init implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR", description = "The certificate folder.")
        Path dir;

        @Option(names = "--host", paramLabel = "NAME", description = "A host name or IP address agents reach the control "
                + "plane by, besides localhost, 127.0.0.1 and ::1 (repeatable).")
        List<String> hosts = List.of();

        @Option(names = "--days", paramLabel = "N", defaultValue = "825",
                description = "How long the control plane's certificate is good for (default: ${DEFAULT-VALUE}).")
        int days;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try {
                CertificateAuthority.Initialized done = CertificateAuthority.init(dir, hosts, Clock.systemUTC(), days);
                PrintWriter out = spec.commandLine().getOut();
                out.println("CA:            " + done.ca().certificate() + ", key " + done.ca().key());
                out.println("control plane: " + done.control().certificate() + ", key " + done.control().key());
                out.println("Keep " + done.ca().key() + " safe: whoever holds it can issue node certificates.");
                return Main.OK;
            } catch (IdentityException e) {
                spec.commandLine().getErr().println("persona certs init: " + e.getMessage());
                return Main.FAILED;
            }
        }
    }

    @Command(name = "issue", mixinStandardHelpOptions = true,
            description = {"Issue the certificate of node NODE (NODE.crt, NODE.key in DIR), signed by DIR's CA.", ""})
    static final class Issue implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR", description = "The certificate folder made by 'persona certs init'.")
        Path dir;

        @Parameters(index = "1", paramLabel = "NODE", description = "The node's name: 1-63 characters of a-z, 0-9 and -.")
        String node;

        @Option(names = "--days", paramLabel = "N", defaultValue = "825",
                description = "How long the certificate is good for (default: ${DEFAULT-VALUE}).")
        int days;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try {
                CertificateAuthority.Issued issued = CertificateAuthority.issue(dir, node, Clock.systemUTC(), days);
                spec.commandLine().getOut().println("node " + node + ": " + issued.certificate() + ", key " + issued.key()
                        + " (valid until " + issued.x509().getNotAfter().toInstant() + ")");
                return Main.OK;
            } catch (IdentityException e) {
                spec.commandLine().getErr().println("persona certs issue: " + e.getMessage());
                return Main.FAILED;
            }
        }
    }
}
