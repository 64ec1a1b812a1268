package io.netpersona.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agents' last state. Each call is one statement in auto-commit: an agent's reports replace each
 * other, last writer wins, and none of them goes to the change feed (they are not changes of what is
 * wanted, and they come every second).
 */
final class AgentRows {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Integer>> RUNNING = new TypeReference<>() {};
    private static final String COLUMNS =
            "node, hostname, agent_version, registered_at_ms, last_seen_ms, running, nack_persona, nack_version, nack_reason, nack_at_ms,"
            + " session, capabilities";

    // small enough that a writer waiting for the database (a persona change) waits for one chunk, not all
    private static final int SEEN_BATCH = 500;

    private final Database db;
    private final Clock clock;

    AgentRows(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    AgentState register(String node, String hostname, String agentVersion) {
        long now = clock.millis();
        db.read(c -> JdbcStore.update(c, "INSERT INTO agents (node, id, hostname, agent_version, registered_at_ms, last_seen_ms, running,"
                + " session) VALUES (?, ?, ?, ?, ?, ?, '{}', ?) ON CONFLICT (node) DO UPDATE SET hostname = excluded.hostname,"
                + " agent_version = excluded.agent_version, registered_at_ms = excluded.registered_at_ms,"
                + " last_seen_ms = excluded.last_seen_ms, session = excluded.session", node, UUID.randomUUID().toString(), hostname,
                agentVersion, now, now, UUID.randomUUID().toString()));
        return find(node).orElseThrow();
    }

    void seen(String node, Map<String, Integer> running) {
        String json = JSON.writeValueAsString(new TreeMap<>(running));
        int rows = db.read(c -> JdbcStore.update(c, "UPDATE agents SET last_seen_ms = ?, running = ? WHERE node = ?",
                clock.millis(), json, node));
        requireRow(rows, node);
    }

    /**
     * What many agents reported running, in few transactions: the acks of one change arrive together from
     * every node, and a commit for each made them queue behind each other and anyone else writing. Nodes
     * that are not registered (any more) are passed over.
     */
    void seen(Map<String, Map<String, Integer>> reports) {
        List<Map.Entry<String, Map<String, Integer>>> all = new ArrayList<>(reports.entrySet());
        for (int from = 0; from < all.size(); from += SEEN_BATCH) {
            List<Map.Entry<String, Map<String, Integer>>> chunk = all.subList(from, Math.min(all.size(), from + SEEN_BATCH));
            long now = clock.millis();
            db.write(c -> {
                try (PreparedStatement ps = c.prepareStatement("UPDATE agents SET last_seen_ms = ?, running = ? WHERE node = ?")) {
                    for (Map.Entry<String, Map<String, Integer>> e : chunk) {
                        ps.setLong(1, now);
                        ps.setString(2, JSON.writeValueAsString(new TreeMap<>(e.getValue())));
                        ps.setString(3, e.getKey());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            });
        }
    }

    void capabilities(String node, AgentState.Capabilities capabilities) {
        String json = JSON.writeValueAsString(capabilities);
        int rows = db.read(c -> JdbcStore.update(c, "UPDATE agents SET capabilities = ? WHERE node = ?", json, node));
        requireRow(rows, node);
    }

    void nacked(String node, String persona, int version, String reason) {
        long now = clock.millis();
        int rows = db.read(c -> JdbcStore.update(c, "UPDATE agents SET last_seen_ms = ?, nack_persona = ?, nack_version = ?,"
                + " nack_reason = ?, nack_at_ms = ? WHERE node = ?", now, persona, version, reason, now, node));
        requireRow(rows, node);
    }

    Optional<AgentState> find(String node) {
        return db.read(c -> select(c, "WHERE node = ?", node)).stream().findFirst();
    }

    List<AgentState> all() {
        return db.read(c -> select(c, ""));
    }

    private static List<AgentState> select(Connection c, String where, Object... args) throws SQLException {
        List<AgentState> out = new ArrayList<>();
        try (PreparedStatement ps = JdbcStore.prepare(c, "SELECT " + COLUMNS + " FROM agents " + where + " ORDER BY node", args);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String nackPersona = rs.getString(7);
                Optional<AgentState.Nack> nack = nackPersona == null ? Optional.empty()
                        : Optional.of(new AgentState.Nack(nackPersona, rs.getInt(8), rs.getString(9), rs.getLong(10)));
                out.add(new AgentState(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                        JSON.readValue(rs.getString(6), RUNNING), nack, rs.getString(11),
                        Optional.ofNullable(rs.getString(12)).map(j -> JSON.readValue(j, AgentState.Capabilities.class))));
            }
        }
        return out;
    }

    private static void requireRow(int rows, String node) {
        if (rows == 0) {
            throw new StoreException(StoreException.Reason.NOT_FOUND, "agent " + node + " has not registered");
        }
    }
}
