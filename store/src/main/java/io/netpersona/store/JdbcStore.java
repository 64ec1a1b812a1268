package io.netpersona.store;

import io.netpersona.model.Change;
import io.netpersona.model.Names;
import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.model.PersonaDiff;
import io.netpersona.model.PersonaValidator;
import io.netpersona.model.Problem;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.stream.Collectors;

/** The store on either database: the SQL is the same for both, so there is one implementation. */
final class JdbcStore implements Store {
    private static final String VERSION_COLUMNS = "pv.name, pv.version, pv.document, pv.created_at_ms, pv.revision, pv.rolled_back_from";
    private static final String LATEST = "pv.version = (SELECT MAX(v.version) FROM persona_versions v WHERE v.name = pv.name)";

    private final Database db;
    private final Clock clock;
    private final AgentRows agents;
    private final JournalRows journal;

    private JdbcStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
        this.agents = new AgentRows(db, clock);
        this.journal = new JournalRows(db, clock);
    }

    static Store open(StoreConfig config, Clock clock) {
        return new JdbcStore(Database.open(config), clock);
    }

    @Override
    public PutResult put(Persona persona) {
        return store(persona, null);
    }

    @Override
    public PutResult putIfLatest(Persona persona, int expectedLatest) {
        return store(persona, expectedLatest);
    }

    private PutResult store(Persona persona, Integer expectedLatest) {
        List<Problem> problems = PersonaValidator.validate(persona);
        if (!problems.isEmpty()) {
            throw new StoreException(StoreException.Reason.INVALID, "persona " + persona.name() + " is invalid: "
                    + problems.stream().map(Problem::toString).collect(Collectors.joining("; ")));
        }
        String name = persona.name();
        return db.write(c -> {
            long revision = Database.nextRevision(c);
            Optional<PersonaVersion> latest = latest(c, name);
            int latestVersion = latest.map(PersonaVersion::version).orElse(0);
            if (expectedLatest != null && expectedLatest != latestVersion) {
                throw new StoreException(StoreException.Reason.CONFLICT, "persona " + name + ": the latest version is "
                        + latestVersion + ", not " + expectedLatest + " (someone else stored a version meanwhile; read it and try again)");
            }
            if (latest.isPresent() && PersonaDiff.diff(unversioned(latest.get().persona()), unversioned(persona)).isEmpty()) {
                c.rollback();
                return new PutResult.Unchanged(latest.get());
            }
            return new PutResult.Created(insertVersion(c, persona, latestVersion + 1, revision, OptionalInt.empty()));
        });
    }

    @Override
    public Optional<PersonaVersion> latest(String name) {
        return db.read(c -> latest(c, name));
    }

    private static Optional<PersonaVersion> latest(Connection c, String name) throws SQLException {
        return first(c, "SELECT " + VERSION_COLUMNS + " FROM persona_versions pv WHERE pv.name = ? ORDER BY pv.version DESC LIMIT 1", name);
    }

    @Override
    public Optional<PersonaVersion> version(String name, int version) {
        return db.read(c -> version(c, name, version));
    }

    private static Optional<PersonaVersion> version(Connection c, String name, int version) throws SQLException {
        return first(c, "SELECT " + VERSION_COLUMNS + " FROM persona_versions pv WHERE pv.name = ? AND pv.version = ?", name, version);
    }

    @Override
    public List<PersonaVersion> history(String name) {
        return db.read(c -> versions(c, "SELECT " + VERSION_COLUMNS + " FROM persona_versions pv WHERE pv.name = ? ORDER BY pv.version", name));
    }

    @Override
    public List<PersonaVersion> personas() {
        return db.read(c -> versions(c, "SELECT " + VERSION_COLUMNS + " FROM persona_versions pv WHERE " + LATEST + " ORDER BY pv.name"));
    }

    @Override
    public List<Change> diff(String name, int fromVersion, int toVersion) {
        PersonaVersion from = version(name, fromVersion).orElseThrow(() -> missing(name, fromVersion));
        PersonaVersion to = version(name, toVersion).orElseThrow(() -> missing(name, toVersion));
        return PersonaDiff.diff(unversioned(from.persona()), unversioned(to.persona()));
    }

    @Override
    public PersonaVersion rollback(String name, int toVersion) {
        return db.write(c -> {
            long revision = Database.nextRevision(c);
            PersonaVersion target = version(c, name, toVersion).orElseThrow(() -> missing(name, toVersion));
            int latest = latest(c, name).orElseThrow().version();
            return insertVersion(c, target.persona(), latest + 1, revision, OptionalInt.of(toVersion));
        });
    }

    @Override
    public Assignment assign(String persona, String node) {
        checkName("node", node);
        return db.write(c -> {
            long revision = Database.nextRevision(c);
            if (latest(c, persona).isEmpty()) {
                throw new StoreException(StoreException.Reason.NOT_FOUND, "persona " + persona + " does not exist (store a version first)");
            }
            Optional<Assignment> existing = assignments(c, "WHERE persona = ? AND node = ?", persona, node).stream().findFirst();
            if (existing.isPresent()) {
                c.rollback();
                return existing.get();
            }
            long now = clock.millis();
            update(c, "INSERT INTO assignments (id, persona, node, created_at_ms, revision) VALUES (?, ?, ?, ?, ?)",
                    UUID.randomUUID().toString(), persona, node, now, revision);
            feed(c, revision, ChangeEvent.Kind.ASSIGNED, persona, node, 0, now);
            return new Assignment(persona, node, now, revision);
        });
    }

    @Override
    public boolean unassign(String persona, String node) {
        return db.write(c -> {
            long revision = Database.nextRevision(c);
            if (update(c, "DELETE FROM assignments WHERE persona = ? AND node = ?", persona, node) == 0) {
                c.rollback();
                return false;
            }
            feed(c, revision, ChangeEvent.Kind.UNASSIGNED, persona, node, 0, clock.millis());
            return true;
        });
    }

    @Override
    public List<Assignment> assignments() {
        return db.read(c -> assignments(c, ""));
    }

    private static List<Assignment> assignments(Connection c, String where, Object... args) throws SQLException {
        List<Assignment> out = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, "SELECT persona, node, created_at_ms, revision FROM assignments " + where
                + " ORDER BY persona, node", args); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Assignment(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
            }
        }
        return out;
    }

    @Override
    public Map<String, PersonaVersion> desired(String node) {
        List<PersonaVersion> versions = db.read(c -> versions(c, "SELECT " + VERSION_COLUMNS
                + " FROM assignments a JOIN persona_versions pv ON pv.name = a.persona WHERE a.node = ? AND " + LATEST
                + " ORDER BY pv.name", node));
        Map<String, PersonaVersion> out = new LinkedHashMap<>();
        versions.forEach(v -> out.put(v.name(), v));
        return out;
    }

    @Override
    public AgentState registerAgent(String node, String hostname, String agentVersion) {
        checkName("node", node);
        return agents.register(node, hostname, agentVersion);
    }

    @Override
    public void agentSeen(String node, Map<String, Integer> running) {
        agents.seen(node, running);
    }

    @Override
    public void agentsSeen(Map<String, Map<String, Integer>> reports) {
        reports.keySet().forEach(node -> checkName("node", node));
        agents.seen(reports);
    }

    @Override
    public void agentCapabilities(String node, AgentState.Capabilities capabilities) {
        agents.capabilities(node, capabilities);
    }

    @Override
    public void agentNacked(String node, String persona, int version, String reason) {
        agents.nacked(node, persona, version, reason);
    }

    @Override
    public Optional<AgentState> agent(String node) {
        return agents.find(node);
    }

    @Override
    public List<AgentState> agents() {
        return agents.all();
    }

    @Override
    public int appendJournal(String node, List<JournalRecord> entries) {
        return journal.append(node, entries);
    }

    @Override
    public List<JournalRecord> journal(String node, String persona, int limit) {
        return journal.query(node, persona, limit);
    }

    @Override
    public long revision() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT value FROM revision_counter WHERE id = 1");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public List<ChangeEvent> changesSince(long revision, int limit) {
        return db.read(c -> {
            List<ChangeEvent> out = new ArrayList<>();
            try (PreparedStatement ps = prepare(c, "SELECT revision, kind, persona, node, version, at_ms FROM changes"
                    + " WHERE revision > ? ORDER BY revision LIMIT ?", revision, limit); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ChangeEvent(rs.getLong(1), ChangeEvent.Kind.valueOf(rs.getString(2)), rs.getString(3),
                            rs.getString(4), rs.getInt(5), rs.getLong(6)));
                }
            }
            return out;
        });
    }

    @Override
    public void close() {
        db.close();
    }

    private PersonaVersion insertVersion(Connection c, Persona persona, int version, long revision, OptionalInt rolledBackFrom)
            throws SQLException {
        Persona stored = persona.withMetadata(persona.metadata().withVersion(version));
        long now = clock.millis();
        update(c, "INSERT INTO persona_versions (id, name, version, document, created_at_ms, revision, rolled_back_from)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)", UUID.randomUUID().toString(), stored.name(), version,
                PersonaCodec.toJson(stored), now, revision, rolledBackFrom.isPresent() ? rolledBackFrom.getAsInt() : null);
        feed(c, revision, ChangeEvent.Kind.PERSONA_VERSION, stored.name(), null, version, now);
        return new PersonaVersion(stored.name(), version, stored, now, revision, rolledBackFrom);
    }

    private static void feed(Connection c, long revision, ChangeEvent.Kind kind, String persona, String node, int version, long at)
            throws SQLException {
        update(c, "INSERT INTO changes (revision, kind, persona, node, version, at_ms) VALUES (?, ?, ?, ?, ?, ?)",
                revision, kind.name(), persona, node, version, at);
    }

    private static Optional<PersonaVersion> first(Connection c, String sql, Object... args) throws SQLException {
        return versions(c, sql, args).stream().findFirst();
    }

    private static List<PersonaVersion> versions(Connection c, String sql, Object... args) throws SQLException {
        List<PersonaVersion> out = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long from = rs.getLong(6);
                OptionalInt rolledBackFrom = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of((int) from);
                out.add(new PersonaVersion(rs.getString(1), rs.getInt(2), PersonaCodec.readJson(rs.getString(3)),
                        rs.getLong(4), rs.getLong(5), rolledBackFrom));
            }
        }
        return out;
    }

    static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }

    static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args)) {
            return ps.executeUpdate();
        }
    }

    static void checkName(String what, String value) {
        if (value == null || !Names.isName(value)) {
            throw new StoreException(StoreException.Reason.INVALID, what + ": " + value + " (expected: " + Names.NAME_EXPECTED + ")");
        }
    }

    private static Persona unversioned(Persona p) {
        return p.withMetadata(p.metadata().withVersion(null));
    }

    private static StoreException missing(String name, int version) {
        return new StoreException(StoreException.Reason.NOT_FOUND, "persona " + name + " has no version " + version);
    }
}
