package io.netpersona.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The journal in a SQLite file: no server to run, and readable while the engine writes to it (WAL mode:
 * readers see the last committed decision and never block the writer). Every write is its own committed
 * transaction with {@code synchronous=FULL}, so a decision recorded before an apply survives a crash or a
 * power cut that follows it. One connection, used by one thread at a time.
 */
public final class SqliteJournal implements Journal {
    private static final String COLUMNS = "id, app, persona_version, decided_at, code, outcome, rules, reason, changes, steps,"
            + " expected, metrics_before, metrics_after, outcome_reason, finished_at, repeats, last_at, applied_at";

    /** Where an engine on this host keeps its journal unless told otherwise: it outlives reboots, unlike /run. */
    public static final Path DEFAULT_FILE = Path.of("/var/lib/netpersona/journal.db");

    private final Path file;
    private final Connection db;
    private final ReentrantLock lock = new ReentrantLock();

    private SqliteJournal(Path file, Connection db) {
        this.file = file;
        this.db = db;
    }

    /** Opens the journal at {@code file}, creating it (and its folder) when missing, and brings its schema up to date. */
    public static SqliteJournal open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (java.io.IOException e) {
            throw new JournalException(file + ": cannot create its folder: " + e.getMessage(), e);
        }
        return connect(file);
    }

    /**
     * Opens an existing journal to read it: refuses a missing file instead of creating an empty one, and a
     * file that is not a journal (another database, or no database) instead of writing tables into it.
     */
    public static SqliteJournal openExisting(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new JournalException(file + ": no journal there (" + (Files.exists(file) ? "not a file" : "no such file")
                    + ")");
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(10_000);
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties());
            try {
                requireJournal(c, file);
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
            return new SqliteJournal(file, c);
        } catch (SQLException e) {
            throw new JournalException(file + ": not a netpersona journal (" + e.getMessage() + ")", e);
        }
    }

    private static void requireJournal(Connection c, Path file) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('journal', 'schema_history')")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        if (tables.size() < 2) {
            throw new JournalException(file + ": not a netpersona journal (a SQLite database without the journal and"
                    + " schema_history tables)");
        }
        int known = Migrations.JOURNAL.getLast().version();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT MAX(version) FROM schema_history")) {
            int version = rs.next() ? rs.getInt(1) : 0;
            if (version > known) {
                throw new JournalException(file + ": schema version " + version + " is newer than this program knows ("
                        + known + "): use a newer netpersona");
            }
        }
    }

    private static SqliteJournal connect(Path file) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(10_000);
        // a migration takes the write lock at once, so two processes opening a new file do not both create it
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties());
            try {
                Migrations.migrate(c, Migrations.JOURNAL, file.toString());
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
            return new SqliteJournal(file, c);
        } catch (SQLException e) {
            throw new JournalException(file + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public JournalEntry record(JournalEntry e) {
        lock.lock();
        try {
            if (e.outcome() == Outcome.NO_ACTION) {
                JournalEntry last = last(e.app());
                if (last != null && last.outcome() == Outcome.NO_ACTION && last.code().equals(e.code())) {
                    try (PreparedStatement st = db.prepareStatement("UPDATE journal SET repeats = repeats + 1, last_at = ?,"
                            + " reason = ?, metrics_before = ?, persona_version = ? WHERE id = ?")) {
                        st.setLong(1, e.decidedAt());
                        st.setString(2, e.reason());
                        st.setString(3, e.before());
                        setInt(st, 4, e.personaVersion());
                        st.setString(5, last.id());
                        st.executeUpdate();
                    }
                    return new JournalEntry(last.id(), last.app(), e.personaVersion(), last.decidedAt(), last.code(),
                            last.outcome(), last.rules(), e.reason(), null, null, null, e.before(), null, null,
                            last.finishedAt(), last.repeats() + 1, e.decidedAt());
                }
            }
            insert(e);
            return e;
        } catch (SQLException x) {
            throw new JournalException(file + ": cannot record a decision for " + e.app() + ": " + x.getMessage(), x);
        } finally {
            lock.unlock();
        }
    }

    private void insert(JournalEntry e) throws SQLException {
        try (PreparedStatement st = db.prepareStatement("INSERT INTO journal (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            st.setString(1, e.id());
            st.setString(2, e.app());
            setInt(st, 3, e.personaVersion());
            st.setLong(4, e.decidedAt());
            st.setString(5, e.code());
            st.setString(6, e.outcome().text());
            st.setString(7, String.join(",", e.rules()));
            st.setString(8, e.reason());
            st.setString(9, e.changes());
            st.setString(10, e.steps());
            st.setString(11, e.expected());
            st.setString(12, e.before());
            st.setString(13, e.after());
            st.setString(14, e.outcomeReason());
            if (e.finishedAt() == null) {
                st.setNull(15, Types.BIGINT);
            } else {
                st.setLong(15, e.finishedAt());
            }
            st.setInt(16, e.repeats());
            st.setLong(17, e.lastAt());
            if (e.appliedAt() == null) {
                st.setNull(18, Types.BIGINT);
            } else {
                st.setLong(18, e.appliedAt());
            }
            st.executeUpdate();
        }
    }

    @Override
    public void finish(String id, Outcome outcome, String reason, String after, long atMillis) {
        lock.lock();
        try (PreparedStatement st = db.prepareStatement("UPDATE journal SET outcome = ?, outcome_reason = ?,"
                + " metrics_after = ?, finished_at = ?, last_at = ? WHERE id = ? AND outcome = ?")) {
            st.setString(1, outcome.text());
            st.setString(2, reason);
            st.setString(3, after);
            st.setLong(4, atMillis);
            st.setLong(5, atMillis);
            st.setString(6, id);
            st.setString(7, Outcome.PENDING.text());
            st.executeUpdate();
        } catch (SQLException x) {
            throw new JournalException(file + ": cannot record the outcome of " + id + ": " + x.getMessage(), x);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void applied(String id, long atMillis) {
        lock.lock();
        try (PreparedStatement st = db.prepareStatement("UPDATE journal SET applied_at = ? WHERE id = ? AND applied_at IS NULL")) {
            st.setLong(1, atMillis);
            st.setString(2, id);
            st.executeUpdate();
        } catch (SQLException x) {
            throw new JournalException(file + ": cannot record when " + id + " was applied: " + x.getMessage(), x);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<JournalEntry> list(Query q) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM journal WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (q.app() != null) {
            sql.append(" AND app = ?");
            args.add(q.app());
        }
        if (q.sinceMillis() != null) {
            // a run of decisions not to act counts from its last one, so --since finds a quiet app's latest state
            sql.append(" AND last_at >= ?");
            args.add(q.sinceMillis());
        }
        sql.append(" ORDER BY decided_at, id LIMIT ?");
        args.add(q.limit());
        return query(sql.toString(), args);
    }

    @Override
    public List<JournalEntry> pending(String app) {
        return query("SELECT " + COLUMNS + " FROM journal WHERE outcome = ? AND app = ? ORDER BY decided_at, id",
                List.of(Outcome.PENDING.text(), app));
    }

    private JournalEntry last(String app) throws SQLException {
        List<JournalEntry> l = query("SELECT " + COLUMNS + " FROM journal WHERE app = ? ORDER BY decided_at DESC, id DESC"
                + " LIMIT 1", List.of(app));
        return l.isEmpty() ? null : l.getFirst();
    }

    private List<JournalEntry> query(String sql, List<Object> args) {
        lock.lock();
        try (PreparedStatement st = db.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                st.setObject(i + 1, args.get(i));
            }
            List<JournalEntry> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
            return out;
        } catch (SQLException x) {
            throw new JournalException(file + ": cannot read the journal: " + x.getMessage(), x);
        } finally {
            lock.unlock();
        }
    }

    private static JournalEntry row(ResultSet rs) throws SQLException {
        int v = rs.getInt(3);
        Integer version = rs.wasNull() ? null : v;
        long f = rs.getLong(15);
        Long finished = rs.wasNull() ? null : f;
        long a = rs.getLong(18);
        Long applied = rs.wasNull() ? null : a;
        String rules = rs.getString(7);
        return new JournalEntry(rs.getString(1), rs.getString(2), version, rs.getLong(4), rs.getString(5),
                Outcome.parse(rs.getString(6)), rules.isEmpty() ? List.of() : Arrays.asList(rules.split(",")),
                rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12), rs.getString(13),
                rs.getString(14), finished, rs.getInt(16), rs.getLong(17), applied);
    }

    private static void setInt(PreparedStatement st, int i, Integer v) throws SQLException {
        if (v == null) {
            st.setNull(i, Types.INTEGER);
        } else {
            st.setInt(i, v);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try (Statement st = db.createStatement()) {
            // fold the WAL back into the file so that a copied journal is one file
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException ignored) {
            // another process still reading: it will checkpoint; closing matters more
        } finally {
            try {
                db.close();
            } catch (SQLException x) {
                throw new JournalException(file + ": cannot close: " + x.getMessage(), x);
            } finally {
                lock.unlock();
            }
        }
    }
}
