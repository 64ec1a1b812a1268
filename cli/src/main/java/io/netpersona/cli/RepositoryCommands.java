package io.netpersona.cli;

import io.netpersona.model.PersonaCodec;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/**
 * The operators' commands against a control plane's REST API, in the manner of kubectl. The server is
 * {@code --server} or PERSONA_SERVER, the token {@code --token}, {@code --token-file} or PERSONA_TOKEN.
 */
final class RepositoryCommands {
    private RepositoryCommands() {}

    abstract static class Base implements Callable<Integer> {
        @Mixin
        ApiClient.Options server;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        static String time(JsonNode ms) {
            return ms == null || ms.isNull() ? "-" : Instant.ofEpochMilli(ms.asLong()).toString();
        }

        void printJson(JsonNode n) {
            // print, not println, leaves the autoflushing writer unflushed
            out().print(PersonaCodec.write(n, PersonaCodec.Format.JSON));
            out().flush();
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = {"Store persona documents in the control plane's repository: each one becomes the next version of "
                    + "its name, unless it equals the latest. Nodes it is assigned to get the new version.", ""},
            footerHeading = "%nExamples:%n",
            footer = {"  PERSONA_SERVER=http://cp:7080 PERSONA_TOKEN=$(cat admin.token) persona apply -f arena.yaml"})
    static final class Apply extends Base {
        @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE", description = "A persona file (YAML or JSON); - reads "
                + "standard input; repeatable.")
        List<String> files;

        @Override
        public Integer call() {
            List<Documents.Loaded> loaded = files.stream().map(Documents::load).toList();
            List<String> problems = new ArrayList<>();
            loaded.stream().filter(l -> !l.valid()).forEach(l -> problems.addAll(l.problemLines()));
            if (!problems.isEmpty()) {
                // nothing is sent when any file is wrong, so a set of files is applied whole or not at all
                problems.forEach(spec.commandLine().getErr()::println);
                return Main.FAILED;
            }
            ApiClient api = server.client();
            for (Documents.Loaded l : loaded) {
                JsonNode r = api.post("personas", PersonaCodec.toJson(l.persona()));
                String name = r.get("name").asString();
                int version = r.get("version").asInt();
                out().println(r.get("created").asBoolean() ? name + ": version " + version + " stored"
                        : name + ": unchanged (version " + version + ")");
            }
            return Main.OK;
        }
    }

    enum Kind { personas, agents, assignments, journal }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = {"List the repository's personas (latest versions), agents (their last state), assignments, or the "
                    + "agents' journal (what their adaptation engines decided, also not to act; newest first).", ""},
            footerHeading = "%nExamples:%n",
            footer = {"  persona get personas", "  persona get agents -o json", "  persona get journal --node edge-01 --limit 20",
                "", "('persona journal' reads the journal file of the engine on this machine.)"})
    static final class Get extends Base {
        @Parameters(index = "0", paramLabel = "KIND", description = "personas, agents, assignments or journal.")
        Kind kind;

        @Option(names = "--node", paramLabel = "NODE", description = "journal: only this node's entries.")
        String node;

        @Option(names = "--persona", paramLabel = "NAME", description = "journal: only this persona's entries.")
        String persona;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "journal: at most N entries (default: ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json.")
        TextOrJson output;

        @Override
        public Integer call() {
            if ((node != null || persona != null) && kind != Kind.journal) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--node and --persona: for 'get journal' only");
            }
            JsonNode list = server.client().get(kind == Kind.journal ? journalQuery() : kind.name());
            if (output == TextOrJson.json) {
                printJson(list);
                return Main.OK;
            }
            Table t = switch (kind) {
                case personas -> new Table("NAME", "VERSION", "CREATED");
                case agents -> new Table("NODE", "HOSTNAME", "AGENT", "LAST SEEN", "RUNNING", "LAST NACK");
                case assignments -> new Table("PERSONA", "NODE", "SINCE");
                case journal -> new Table("TIME", "NODE", "PERSONA", "OUTCOME", "REASON");
            };
            for (JsonNode n : list) {
                switch (kind) {
                    case personas -> t.row(n.get("name").asString(), n.get("version").asInt(), time(n.get("createdAtMs")));
                    case agents -> t.row(n.get("node").asString(), n.get("hostname").asString(), n.get("agentVersion").asString(),
                            time(n.get("lastSeenMs")), running(n.get("running")), nack(n.get("lastNack")));
                    case assignments -> t.row(n.get("persona").asString(), n.get("node").asString(), time(n.get("createdAtMs")));
                    case journal -> t.row(time(n.get("timeMs")), n.get("node").asString(), n.get("persona").asString() + "@"
                            + n.get("version").asInt(), n.get("outcome").asString(), n.get("reason").asString());
                }
            }
            t.print(out());
            return Main.OK;
        }

        private String journalQuery() {
            StringBuilder query = new StringBuilder("journal?limit=" + limit);
            if (node != null) {
                query.append("&node=").append(ApiClient.segment(node));
            }
            if (persona != null) {
                query.append("&persona=").append(ApiClient.segment(persona));
            }
            return query.toString();
        }

        private static String running(JsonNode running) {
            List<String> parts = new ArrayList<>();
            running.properties().forEach(e -> parts.add(e.getKey() + "@" + e.getValue().asInt()));
            return parts.isEmpty() ? "-" : String.join(",", parts);
        }

        private static String nack(JsonNode nack) {
            return nack == null ? "-" : nack.get("persona").asString() + "@" + nack.get("version").asInt() + ": " + nack.get("reason").asString();
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true,
            description = {"Every version of a persona, oldest first.", ""})
    static final class History extends Base {
        @Parameters(index = "0", paramLabel = "NAME", description = "The persona.")
        String name;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", description = "text (default) or json.")
        TextOrJson output;

        @Override
        public Integer call() {
            JsonNode versions = server.client().get("personas/" + ApiClient.segment(name) + "/history");
            if (output == TextOrJson.json) {
                printJson(versions);
                return Main.OK;
            }
            Table t = new Table("VERSION", "CREATED", "NOTE");
            for (JsonNode v : versions) {
                t.row(v.get("version").asInt(), time(v.get("createdAtMs")),
                        v.has("rolledBackFrom") ? "rollback to version " + v.get("rolledBackFrom").asInt() : "");
            }
            t.print(out());
            return Main.OK;
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = {"Make a new version of a persona equal to an earlier one (history is never rewritten).", ""},
            footerHeading = "%nExamples:%n",
            footer = {"  persona rollback arena --to 3"})
    static final class Rollback extends Base {
        @Parameters(index = "0", paramLabel = "NAME", description = "The persona.")
        String name;

        @Option(names = "--to", required = true, paramLabel = "VERSION", description = "The version to go back to.")
        int to;

        @Override
        public Integer call() {
            JsonNode v = server.client().post("personas/" + ApiClient.segment(name) + "/rollback",
                    ApiClient.JSON.createObjectNode().put("to", to).toString());
            out().println(name + ": version " + v.get("version").asInt() + " stored (a copy of version " + to + ")");
            return Main.OK;
        }
    }

    @Command(name = "assign", mixinStandardHelpOptions = true,
            description = {"Have a node run a persona (its latest version, and every later one).", ""})
    static final class Assign extends Base {
        @Parameters(index = "0", paramLabel = "NAME", description = "The persona.")
        String name;

        @Option(names = "--node", required = true, paramLabel = "NODE", description = "The node.")
        String node;

        @Override
        public Integer call() {
            server.client().put("assignments/" + ApiClient.segment(name) + "/" + ApiClient.segment(node));
            out().println(name + ": assigned to node " + node);
            return Main.OK;
        }
    }

    @Command(name = "unassign", mixinStandardHelpOptions = true,
            description = {"Have a node stop running a persona (its settings are reverted on the host).", ""})
    static final class Unassign extends Base {
        @Parameters(index = "0", paramLabel = "NAME", description = "The persona.")
        String name;

        @Option(names = "--node", required = true, paramLabel = "NODE", description = "The node.")
        String node;

        @Override
        public Integer call() {
            server.client().delete("assignments/" + ApiClient.segment(name) + "/" + ApiClient.segment(node));
            out().println(name + ": unassigned from node " + node);
            return Main.OK;
        }
    }
}
