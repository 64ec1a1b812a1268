package io.netpersona.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * A pooled connection to either database, migrated on open, with the two kinds of unit of work the
 * store needs: reads in auto-commit, and writes in a transaction that is retried when it lost a race.
 */
final class Database implements AutoCloseable {
    /** A unit of work on one connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    // a writer that lost a race to another (busy, serialization failure, unique key taken) tries again;
    // the attempts are few because writes are serialized on the revision row and rarely collide
    private static final int ATTEMPTS = 5;

    private final HikariDataSource pool;
    private final String where;

    private Database(HikariDataSource pool, String where) {
        this.pool = pool;
        this.where = where;
    }

    static Database open(StoreConfig config) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("netpersona-store");
        hc.setConnectionTimeout(5_000);
        String where;
        String schema = null;
        switch (config) {
            case StoreConfig.Sqlite s -> {
                where = "SQLite file " + s.file();
                hc.setDataSource(sqlite(s));
                hc.setMaximumPoolSize(4);
            }
            case StoreConfig.Postgres p -> {
                where = "PostgreSQL at " + p.jdbcUrl() + " as " + p.user();
                hc.setJdbcUrl(p.jdbcUrl());
                hc.setUsername(p.user());
                hc.setPassword(p.password());
                hc.setMaximumPoolSize(p.poolSize());
                schema = p.schema();
                if (schema != null) {
                    hc.setSchema(schema);
                }
            }
        }
        HikariDataSource pool;
        try {
            if (schema != null) {
                // the pool sets the schema on every connection, so it has to exist before the first one
                createSchema((StoreConfig.Postgres) config);
            }
            pool = new HikariDataSource(hc);
        } catch (RuntimeException | SQLException e) {
            throw new StoreException(StoreException.Reason.UNAVAILABLE, "cannot open the " + where + ": " + rootMessage(e), e);
        }
        try {
            Flyway.configure(Database.class.getClassLoader())
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            pool.close();
            throw new StoreException(StoreException.Reason.UNAVAILABLE, "cannot migrate the " + where + ": " + rootMessage(e), e);
        }
        return new Database(pool, where);
    }

    private static SQLiteDataSource sqlite(StoreConfig.Sqlite s) {
        Path parent = s.file().toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new StoreException(StoreException.Reason.UNAVAILABLE, "cannot create " + parent + ": " + e.getMessage(), e);
        }
        SQLiteConfig sc = new SQLiteConfig();
        // WAL: readers (the agents' streams) never wait for the writer
        sc.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sc.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, s.busyTimeout().toMillis()));
        // take the write lock at BEGIN, so a transaction that reads and then writes cannot find its
        // snapshot overtaken by another writer (SQLITE_BUSY_SNAPSHOT, which waiting does not cure)
        sc.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource ds = new SQLiteDataSource(sc);
        ds.setUrl("jdbc:sqlite:" + s.file().toAbsolutePath());
        return ds;
    }

    private static void createSchema(StoreConfig.Postgres p) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(p.jdbcUrl(), p.user(), p.password());
                var st = c.createStatement()) {
            // the name was checked against [a-z_][a-z0-9_]* by StoreConfig, so it can stand in the SQL text
            st.execute("CREATE SCHEMA IF NOT EXISTS " + p.schema());
        }
    }

    <T> T read(Work<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Runs {@code work} in one transaction, committed when it returns, rolled back when it throws. */
    <T> T write(Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                if (attempt >= ATTEMPTS || !lostRace(e)) {
                    throw failure(e);
                }
            }
        }
    }

    /** Hands out the next revision; its row lock serializes every writer until it commits. */
    static long nextRevision(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE revision_counter SET value = value + 1 WHERE id = 1 RETURNING value");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static boolean lostRace(SQLException e) {
        if (e instanceof SQLiteException s) {
            SQLiteErrorCode code = s.getResultCode();
            return code == SQLiteErrorCode.SQLITE_BUSY || code == SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT
                    || code == SQLiteErrorCode.SQLITE_LOCKED || code == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
                    || code == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY;
        }
        String state = e.getSQLState();
        // serialization failure, deadlock, unique violation
        return "40001".equals(state) || "40P01".equals(state) || "23505".equals(state);
    }

    private StoreException failure(SQLException e) {
        return new StoreException(StoreException.Reason.UNAVAILABLE, where + ": " + e.getMessage(), e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
    }

    @Override
    public void close() {
        pool.close();
    }
}
