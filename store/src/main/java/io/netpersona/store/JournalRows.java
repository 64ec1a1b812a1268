package io.netpersona.store;

import io.netpersona.model.Names;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** The journal: appended to by agents, never changed; each entry is one statement in auto-commit. */
final class JournalRows {
    private static final int MAX_DETAILS = 64 * 1024;

    private final Database db;
    private final Clock clock;

    JournalRows(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    int append(String node, List<JournalRecord> entries) {
        JdbcStore.checkName("node", node);
        for (int i = 0; i < entries.size(); i++) {
            check("entries[" + i + "]", node, entries.get(i));
        }
        long now = clock.millis();
        return db.read(c -> {
            int stored = 0;
            for (JournalRecord e : entries) {
                stored += JdbcStore.update(c, "INSERT INTO journal (node, id, persona, version, time_ms, outcome, reason, details,"
                        + " received_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (node, id) DO NOTHING",
                        node, e.id(), e.persona(), e.version(), e.timeMs(), e.outcome(), e.reason(), e.detailsJson(), now);
            }
            return stored;
        });
    }

    private static void check(String at, String node, JournalRecord e) {
        String problem = null;
        if (!node.equals(e.node())) {
            problem = at + ".node: " + e.node() + " (expected: " + node + ", the reporting agent's node)";
        } else if (e.id().isEmpty() || e.id().length() > 64) {
            problem = at + ".id: '" + e.id() + "' (expected: 1-64 characters)";
        } else if (!Names.isName(e.persona())) {
            problem = at + ".persona: " + e.persona() + " (expected: " + Names.NAME_EXPECTED + ")";
        } else if (!JournalRecord.OUTCOMES.contains(e.outcome())) {
            problem = at + ".outcome: " + e.outcome() + " (expected: one of " + String.join(", ", JournalRecord.OUTCOMES.stream().sorted().toList()) + ")";
        } else if (e.detailsJson().length() > MAX_DETAILS) {
            problem = at + ".details: " + e.detailsJson().length() + " characters (expected: at most " + MAX_DETAILS + ")";
        }
        if (problem != null) {
            throw new StoreException(StoreException.Reason.INVALID, problem);
        }
    }

    List<JournalRecord> query(String node, String persona, int limit) {
        if (limit < 1 || limit > 10_000) {
            throw new StoreException(StoreException.Reason.INVALID, "limit: " + limit + " (expected: 1..10000)");
        }
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (node != null) {
            where.append(" AND node = ?");
            args.add(node);
        }
        if (persona != null) {
            where.append(" AND persona = ?");
            args.add(persona);
        }
        args.add(limit);
        return db.read(c -> {
            List<JournalRecord> out = new ArrayList<>();
            try (PreparedStatement ps = JdbcStore.prepare(c, "SELECT node, id, persona, version, time_ms, outcome, reason, details,"
                    + " received_at_ms FROM journal" + where + " ORDER BY time_ms DESC, node, id LIMIT ?", args.toArray());
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new JournalRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getLong(5),
                            rs.getString(6), rs.getString(7), rs.getString(8), rs.getLong(9)));
                }
            }
            return out;
        });
    }
}
