package io.netpersona.cli;

import io.netpersona.control.ControlException;
import io.netpersona.control.ControlPlane;
import io.netpersona.identity.IdentityException;
import io.netpersona.store.StoreConfig;
import io.netpersona.store.StoreException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "serve",
        description = {"Run the control plane: the persona repository, the agents' gRPC service (mutual TLS, always) and "
                + "the operators' REST API under /api/v1/ (bearer token), /health and /metrics (Prometheus). On the first "
                + "start it writes the admin token to DATA/admin.token (owner only).", ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  persona certs init /srv/np/certs",
            "  persona serve --data /srv/np/data --certs /srv/np/certs",
            "  PERSONA_DB_PASSWORD=... persona serve --data /srv/np/data --certs /srv/np/certs \\",
            "      --db-url jdbc:postgresql://db:5432/netpersona --db-user netpersona      replicas share one PostgreSQL",
            "",
            "The REST API is plain HTTP on 127.0.0.1 unless --http-host says otherwise; reach it from elsewhere through a TLS proxy."
        },
        mixinStandardHelpOptions = true)
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The repository (netpersona.db) and admin.token.")
    Path data;

    @Option(names = "--certs", required = true, paramLabel = "DIR", description = "The folder made by 'persona certs init'.")
    Path certs;

    @Option(names = "--grpc-port", paramLabel = "P", defaultValue = "7443", description = "The agents' port (default: ${DEFAULT-VALUE}).")
    int grpcPort;

    @Option(names = "--grpc-host", paramLabel = "ADDR", defaultValue = "0.0.0.0", description = "Where agents connect (default: ${DEFAULT-VALUE}).")
    String grpcHost;

    @Option(names = "--http-port", paramLabel = "Q", defaultValue = "7080", description = "The REST API's port (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--http-host", paramLabel = "ADDR", defaultValue = "127.0.0.1", description = "The REST API's address (default: ${DEFAULT-VALUE}).")
    String httpHost;

    @Option(names = "--db-url", paramLabel = "JDBC", description = "A PostgreSQL database instead of DATA/netpersona.db; "
            + "the password comes from PERSONA_DB_PASSWORD.")
    String dbUrl;

    @Option(names = "--db-user", paramLabel = "USER", description = "The PostgreSQL user.")
    String dbUser;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Held, because java.util.logging keeps loggers only weakly and would forget their levels. */
    private static final List<Logger> QUIET = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        // the libraries' start-up chatter (Jetty, the pool, the migrations) would bury the lines that matter
        for (String name : List.of("org.eclipse.jetty", "io.javalin", "com.zaxxer.hikari", "org.flywaydb")) {
            Logger l = Logger.getLogger(name);
            l.setLevel(Level.WARNING);
            QUIET.add(l);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ControlPlane cp;
        try {
            StoreConfig store = dbUrl == null ? null : new StoreConfig.Postgres(dbUrl, dbUser, System.getenv("PERSONA_DB_PASSWORD"), null, 10);
            cp = ControlPlane.start(new ControlPlane.Config(data, certs, grpcHost, grpcPort, httpHost, httpPort, store), Clock.systemUTC());
        } catch (ControlException | IdentityException | StoreException | IllegalArgumentException e) {
            err.println("persona serve: " + e.getMessage());
            return Main.FAILED;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cp.close();
            stopped.countDown();
        }, "persona-serve-stop"));
        out.println("control plane: agents on " + grpcHost + ":" + cp.grpcPort() + " (gRPC, mutual TLS), REST API on http://"
                + httpHost + ":" + cp.httpPort() + "/api/v1/");
        out.println(cp.adminTokenCreated()
                ? "admin token written to " + cp.adminTokenFile() + " (owner only); give it to 'persona' as PERSONA_TOKEN"
                : "admin token: " + cp.adminTokenFile());
        out.flush();
        stopped.await();
        return Main.OK;
    }
}
