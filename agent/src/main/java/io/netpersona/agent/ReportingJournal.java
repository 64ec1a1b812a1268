package io.netpersona.agent;

import io.netpersona.engine.Journal;
import io.netpersona.engine.JournalEntry;
import io.netpersona.engine.Outcome;
import io.netpersona.proto.agent.v1.JournalEntries;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The local engine's journal (a SQLite file in the state folder, the record that survives everything) that
 * also queues each finished decision for the control plane. Entries go out when the stream is up; those
 * that pile up while it is down wait, the oldest dropped past {@link #MAX_QUEUED} (the local file keeps
 * them all). A decision not to act that the journal coalesces into an earlier entry is sent once: the
 * control plane stores an entry id once anyway.
 */
final class ReportingJournal implements Journal {
    static final int MAX_QUEUED = 10_000;
    /** Below the control plane's limit on an entry's details (64 KiB). */
    static final int MAX_DETAILS = 60_000;
    private static final int MAX_REMEMBERED = 4096;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Journal local;
    private final Map<String, JournalEntry> pending = new ConcurrentHashMap<>();
    private final java.util.ArrayDeque<io.netpersona.proto.agent.v1.JournalEntry> queue = new java.util.ArrayDeque<>();
    private final Map<String, Boolean> sent = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };

    ReportingJournal(Journal local) {
        this.local = local;
    }

    @Override
    public JournalEntry record(JournalEntry entry) {
        JournalEntry stored = local.record(entry);
        if (stored.outcome() == Outcome.PENDING) {
            pending.put(stored.id(), stored);
        } else {
            enqueue(stored, stored.outcome(), stored.outcomeReason(), stored.after());
        }
        return stored;
    }

    @Override
    public void applied(String id, long atMillis) {
        local.applied(id, atMillis);
    }

    @Override
    public void finish(String id, Outcome outcome, String reason, String after, long atMillis) {
        local.finish(id, outcome, reason, after, atMillis);
        JournalEntry e = pending.remove(id);
        if (e != null) {
            enqueue(e, outcome, reason, after);
        }
    }

    @Override
    public List<JournalEntry> list(Query query) {
        return local.list(query);
    }

    @Override
    public List<JournalEntry> pending(String app) {
        return local.pending(app);
    }

    /** Up to {@code max} entries to send, taken off the queue; {@link #requeue} puts them back when the send failed. */
    synchronized List<io.netpersona.proto.agent.v1.JournalEntry> take(int max) {
        List<io.netpersona.proto.agent.v1.JournalEntry> out = new ArrayList<>();
        while (out.size() < max && !queue.isEmpty()) {
            out.add(queue.pollFirst());
        }
        return out;
    }

    synchronized void requeue(List<io.netpersona.proto.agent.v1.JournalEntry> entries) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            queue.addFirst(entries.get(i));
        }
        trim();
    }

    static JournalEntries batch(List<io.netpersona.proto.agent.v1.JournalEntry> entries) {
        return JournalEntries.newBuilder().addAllEntries(entries).build();
    }

    private synchronized void enqueue(JournalEntry e, Outcome outcome, String outcomeReason, String after) {
        if (sent.put(e.id() + "/" + outcome, Boolean.TRUE) != null) {
            return;
        }
        ObjectNode details = JSON.createObjectNode().put("code", e.code()).put("outcome", outcome.text());
        details.putPOJO("rules", e.rules());
        putRaw(details, "changes", e.changes());
        details.put("steps", e.steps()).put("expected", e.expected()).put("outcomeReason", outcomeReason)
                .put("repeats", e.repeats());
        putRaw(details, "before", e.before());
        putRaw(details, "after", after);
        String text = JSON.writeValueAsString(details);
        if (text.length() > MAX_DETAILS) {
            // the control plane refuses larger details (and the stream with them); the local journal keeps them whole
            details.remove(List.of("before", "after", "steps"));
            details.put("truncated", "signals and steps left out (" + text.length() + " characters); persona journal shows them");
            text = JSON.writeValueAsString(details);
        }
        String reason = e.reason() == null ? "" : e.reason();
        if (outcomeReason != null && !outcomeReason.isBlank()) {
            reason = reason.isEmpty() ? outcomeReason : reason + " => " + outcomeReason;
        }
        queue.addLast(io.netpersona.proto.agent.v1.JournalEntry.newBuilder().setId(e.id()).setPersona(e.app())
                .setVersion(e.personaVersion() == null ? 0 : e.personaVersion()).setTimeMs(e.decidedAt())
                .setOutcome(wire(outcome)).setReason(reason).setDetailsJson(text).build());
        trim();
    }

    private void trim() {
        while (queue.size() > MAX_QUEUED) {
            queue.pollFirst();
        }
    }

    private static void putRaw(ObjectNode o, String field, String json) {
        if (json == null) {
            o.putNull(field);
        } else {
            o.set(field, JSON.readTree(json));
        }
    }

    /** The contract's outcome words; an advice counts as a decision not to act, an interruption as a failure. */
    static String wire(Outcome o) {
        return switch (o) {
            case KEPT -> "kept";
            case REVERTED -> "reverted";
            case FAILED, INTERRUPTED -> "failed";
            case PENDING -> "applied";
            case NO_ACTION, ADVISED -> "no_action";
        };
    }

    @Override
    public void close() {
        local.close();
    }
}
