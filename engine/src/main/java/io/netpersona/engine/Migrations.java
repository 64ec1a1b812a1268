package io.netpersona.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Versioned SQL scripts applied in order, each once, recorded in {@code schema_history} with a checksum
 * (a script changed after it was applied is refused, as is a database newer than this code). Small on
 * purpose: a library for this would bring a second Jackson and its own logging into the command-line
 * jar, for what is a table and a loop. The scripts are portable SQL, so that a PostgreSQL store can run
 * the same ones.
 */
final class Migrations {
    record Script(int version, String description, String resource) {}

    /** The journal's schema, oldest first. A new version is a new script; an applied one never changes. */
    static final List<Script> JOURNAL = List.of(new Script(1, "journal", "journal/V1__journal.sql"),
            new Script(2, "applied_at", "journal/V2__applied_at.sql"));

    private Migrations() {}

    /** Brings the database up to the last script, in one transaction; {@code where} names it in errors. */
    static void migrate(Connection c, List<Script> scripts, String where) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_history (version INTEGER PRIMARY KEY, description TEXT NOT NULL,"
                    + " checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)");
            Map<Integer, String> applied = applied(c);
            int known = scripts.getLast().version();
            for (int v : applied.keySet()) {
                if (v > known) {
                    throw new JournalException(where + ": schema version " + v + " is newer than this program knows ("
                            + known + "): use a newer netpersona");
                }
            }
            for (Script s : scripts) {
                String sql = read(s.resource());
                String sum = checksum(sql);
                String was = applied.get(s.version());
                if (was != null) {
                    if (!was.equals(sum)) {
                        throw new JournalException(where + ": migration V" + s.version() + " (" + s.description()
                                + ") differs from the one applied (checksum " + was + ", expected " + sum + ")");
                    }
                    continue;
                }
                for (String statement : statements(sql)) {
                    st.execute(statement);
                }
                try (PreparedStatement ins = c.prepareStatement(
                        "INSERT INTO schema_history (version, description, checksum, applied_at) VALUES (?, ?, ?, ?)")) {
                    ins.setInt(1, s.version());
                    ins.setString(2, s.description());
                    ins.setString(3, sum);
                    ins.setLong(4, System.currentTimeMillis());
                    ins.executeUpdate();
                }
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private static Map<Integer, String> applied(Connection c) throws SQLException {
        Map<Integer, String> out = new TreeMap<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT version, checksum FROM schema_history")) {
            while (rs.next()) {
                out.put(rs.getInt(1), rs.getString(2));
            }
        }
        return out;
    }

    /** The statements of a script: comment lines dropped, split at a semicolon that ends a line. */
    static List<String> statements(String sql) {
        StringBuilder kept = new StringBuilder();
        sql.lines().filter(l -> !l.strip().startsWith("--")).forEach(l -> kept.append(l).append('\n'));
        return java.util.Arrays.stream(kept.toString().split(";\\s*\n")).map(String::strip).filter(s -> !s.isEmpty())
                .toList();
    }

    private static String read(String resource) {
        try (InputStream in = Migrations.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("migration script missing from the build: " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration script " + resource, e);
        }
    }

    private static String checksum(String sql) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(sql.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
