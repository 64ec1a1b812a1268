package io.netpersona.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/** Where the repository lives. */
public sealed interface StoreConfig {
    /**
     * A SQLite file (created with its folder when missing), in WAL mode so readers never wait for the
     * writer. Several processes may open it; a writer waits up to {@code busyTimeout} for another.
     */
    record Sqlite(Path file, Duration busyTimeout) implements StoreConfig {
        public Sqlite {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(busyTimeout, "busyTimeout");
        }

        public Sqlite(Path file) {
            this(file, Duration.ofSeconds(10));
        }
    }

    /**
     * A PostgreSQL database shared by several control-plane replicas.
     *
     * @param schema the schema to keep the tables in (created when missing); null for the user's default
     *     search path
     */
    record Postgres(String jdbcUrl, String user, String password, String schema, int poolSize)
            implements StoreConfig {
        public Postgres {
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("jdbcUrl: " + jdbcUrl + " (expected: jdbc:postgresql://HOST:PORT/DATABASE)");
            }
            if (schema != null && !schema.matches("[a-z_][a-z0-9_]{0,62}")) {
                throw new IllegalArgumentException("schema: " + schema + " (expected: [a-z_][a-z0-9_]{0,62})");
            }
            if (poolSize < 1 || poolSize > 100) {
                throw new IllegalArgumentException("poolSize: " + poolSize + " (expected: 1..100)");
            }
        }

        @Override
        public String toString() {
            // the password stays out of logs and error messages
            return "Postgres[jdbcUrl=" + jdbcUrl + ", user=" + user + ", schema=" + schema + ", poolSize=" + poolSize + "]";
        }
    }
}
