package io.netpersona.cli;

import io.netpersona.engine.Journal;
import io.netpersona.engine.JournalEntry;
import io.netpersona.engine.JournalException;
import io.netpersona.engine.SqliteJournal;
import io.netpersona.model.Durations;
import io.netpersona.model.InvalidValueException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

@Command(
        name = "journal",
        description = {"The adaptation engine's decisions, oldest first: each change with its reason, the change set, "
                + "the expected effect, the metrics before and after and the outcome (kept, reverted, failed, advised), "
                + "and each decision not to act (a run of the same one is one line with its count).", ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  persona journal                              everything in the default journal",
            "  persona journal --app arena --since 30m      one application, the last half hour",
            "  persona journal --since 2026-11-21T20:00Z -o json",
            "  persona journal -f lab-results/journal.db    another journal file",
            "",
            "Exit 0 when the journal was read (also with no entries), 1 when the file is missing or not a journal."
        },
        mixinStandardHelpOptions = true)
final class JournalCommand implements Callable<Integer> {
    enum Format { table, json }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "The journal (default: ${DEFAULT-VALUE}).")
    Path file = SqliteJournal.DEFAULT_FILE;

    @Option(names = "--app", paramLabel = "APP", description = "Only this application's decisions.")
    String app;

    @Option(names = "--since", paramLabel = "WHEN", description = "Only decisions from then on: a duration ago (30s, 10m, "
            + "2h) or a time (2026-11-21T20:00:00Z; without a zone, UTC).")
    String since;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", description = "table (default) or json.")
    Format output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The clock --since counts back from; tests set it. */
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        Long sinceMillis = since == null ? null : sinceMillis(since, clock);
        List<JournalEntry> entries;
        try (SqliteJournal journal = SqliteJournal.openExisting(file)) {
            entries = journal.list(new Journal.Query(app, sinceMillis, Integer.MAX_VALUE));
        } catch (JournalException e) {
            err.println("persona journal: " + e.getMessage());
            err.flush();
            return Main.FAILED;
        }
        if (output == Format.json) {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json(entries)));
        } else {
            table(entries, out);
        }
        out.flush();
        return Main.OK;
    }

    /** A duration back from now, or a time; anything else is a usage error that names the option and the value. */
    Long sinceMillis(String text, Clock now) {
        String t = text.strip();
        try {
            return now.millis() - Durations.parse(t).toMillis();
        } catch (InvalidValueException notADuration) {
            // a time, then
        }
        try {
            return Instant.parse(t).toEpochMilli();
        } catch (DateTimeParseException notAnInstant) {
            // a time without a zone, then
        }
        try {
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--since: " + text + " (expected: a duration ago"
                    + " such as 30s, 10m or 2h, or a time such as 2026-11-21T20:00:00Z)");
        }
    }

    private ObjectNode json(List<JournalEntry> entries) {
        ObjectNode root = JSON.createObjectNode();
        root.put("journal", file.toString());
        ArrayNode list = root.putArray("entries");
        for (JournalEntry e : entries) {
            ObjectNode o = list.addObject();
            o.put("id", e.id());
            o.put("app", e.app());
            if (e.personaVersion() != null) {
                o.put("personaVersion", e.personaVersion());
            }
            o.put("decidedAt", Instant.ofEpochMilli(e.decidedAt()).toString());
            o.put("decidedAtMillis", e.decidedAt());
            o.put("code", e.code());
            o.put("outcome", e.outcome().text());
            ArrayNode rules = o.putArray("rules");
            e.rules().forEach(rules::add);
            o.put("reason", e.reason());
            putJson(o, "changes", e.changes());
            o.put("changeSet", e.steps());
            o.put("expected", e.expected());
            putJson(o, "before", e.before());
            putJson(o, "after", e.after());
            o.put("outcomeReason", e.outcomeReason());
            if (e.appliedAt() != null) {
                o.put("appliedAt", Instant.ofEpochMilli(e.appliedAt()).toString());
            } else {
                o.putNull("appliedAt");
            }
            if (e.finishedAt() != null) {
                o.put("finishedAt", Instant.ofEpochMilli(e.finishedAt()).toString());
            } else {
                o.putNull("finishedAt");
            }
            o.put("repeats", e.repeats());
            o.put("lastAt", Instant.ofEpochMilli(e.lastAt()).toString());
        }
        return root;
    }

    private static void putJson(ObjectNode o, String name, String text) {
        if (text == null) {
            o.putNull(name);
        } else {
            o.set(name, JSON.readTree(text));
        }
    }

    private static void table(List<JournalEntry> entries, PrintWriter out) {
        if (entries.isEmpty()) {
            out.println("(no entries)");
            return;
        }
        int appWidth = Math.max(3, entries.stream().mapToInt(e -> e.app().length()).max().orElse(3));
        String row = "%-20s  %-" + appWidth + "s  %-11s  %s%n";
        out.printf(Locale.ROOT, row, "TIME", "APP", "OUTCOME", "DECISION");
        for (JournalEntry e : entries) {
            // a change's reason starts with the rules that made it; a decision not to act is named by its code
            String decision = e.rules().isEmpty() ? e.code() + (e.repeats() > 1 ? " x" + e.repeats() + " until "
                    + time(e.lastAt()) : "") + ": " + e.reason() : e.reason();
            out.printf(Locale.ROOT, row, time(e.decidedAt()), e.app(), e.outcome().text(), decision);
            String indent = " ".repeat(20 + 2 + appWidth + 2);
            for (String line : details(e)) {
                out.println(indent + line);
            }
        }
    }

    /** The lines under an entry that changed something: the change, its expected effect, metrics, and the outcome. */
    private static List<String> details(JournalEntry e) {
        List<String> lines = new ArrayList<>();
        if (e.changes() != null) {
            List<String> parts = new ArrayList<>();
            for (JsonNode c : JSON.readTree(e.changes())) {
                parts.add(c.path("path").asString() + " " + value(c.get("old")) + " -> " + value(c.get("new")));
            }
            lines.add("change: " + String.join("; ", parts));
        }
        if (e.expected() != null) {
            lines.add("expected: " + e.expected());
        }
        if (e.after() != null) {
            lines.add("measured: " + measured(JSON.readTree(e.before()).path("judged"), JSON.readTree(e.after()).path("judged")));
        } else if (e.before() != null && !e.rules().isEmpty()) {
            lines.add("measured: " + measured(JSON.readTree(e.before()).path("judged"), null));
        }
        if (e.outcomeReason() != null) {
            lines.add("outcome: " + e.outcomeReason());
        }
        return lines;
    }

    private static String measured(JsonNode before, JsonNode after) {
        List<String> parts = new ArrayList<>();
        for (String[] m : new String[][] {{"latencyP99Ms", "latency p99", " ms"}, {"lossPct", "loss", "%"},
            {"throughputMbps", "throughput", " Mbit/s"}}) {
            JsonNode b = before.get(m[0]);
            JsonNode a = after == null ? null : after.get(m[0]);
            boolean hasB = b != null && !b.isNull(), hasA = a != null && !a.isNull();
            if (hasB || hasA) {
                parts.add(m[1] + " " + (hasB ? number(b) : "?") + (after == null ? "" : " -> " + (hasA ? number(a) : "?"))
                        + m[2]);
            }
        }
        return parts.isEmpty() ? "nothing measured" : String.join(", ", parts);
    }

    private static String number(JsonNode v) {
        return v.isNumber() ? v.decimalValue().stripTrailingZeros().toPlainString() : v.asString();
    }

    private static String value(JsonNode v) {
        return v == null || v.isNull() ? "(none)" : v.isString() ? v.asString() : v.toString();
    }

    private static String time(long millis) {
        return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
