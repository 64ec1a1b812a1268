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
            + " session";

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
                        JSON.readValue(rs.getString(6), RUNNING), nack, rs.getString(11)));
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
