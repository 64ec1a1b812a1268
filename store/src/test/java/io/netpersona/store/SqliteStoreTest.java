package io.netpersona.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data-access suite on a SQLite file in a fresh folder. */
class SqliteStoreTest extends AbstractStoreTest {
    @TempDir
    Path dir;

    @Override
    void prepare() {}

    @Override
    StoreConfig config() {
        return new StoreConfig.Sqlite(dir.resolve("data/store.db"));
    }

    @Override
    void dispose() {}

    @Test
    void theFileIsInWriteAheadLogMode() throws Exception {
        store.put(persona("arena", 1400));
        assertThat(dir.resolve("data/store.db")).exists();
        // the -wal file exists while a connection is open in WAL mode
        assertThat(Files.exists(dir.resolve("data/store.db-wal"))).isTrue();
    }
}
