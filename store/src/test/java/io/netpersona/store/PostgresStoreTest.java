package io.netpersona.store;

import static org.assertj.core.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The data-access suite on the local PostgreSQL, each test in a schema of its own that is dropped after
 * it, so runs side by side or one after another never see each other's rows. PostgreSQL being down is
 * a failure, never a skip: CI always starts it.
 */
class PostgresStoreTest extends AbstractStoreTest {
    private static final String URL = System.getProperty("netpersona.test.pg.url", "jdbc:postgresql://localhost:5432/netpersona_test");
    private static final String USER = System.getProperty("netpersona.test.pg.user", "netpersona_test");
    private static final String PASSWORD = System.getProperty("netpersona.test.pg.password", "netpersona_test");

    private String schema;

    @Override
    void prepare() {
        byte[] random = new byte[6];
        ThreadLocalRandom.current().nextBytes(random);
        schema = "np_test_" + HexFormat.of().formatHex(random);
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD)) {
            c.isValid(5);
        } catch (SQLException e) {
            fail("PostgreSQL is not reachable at " + URL + " as " + USER + " (" + e.getMessage() + "). Start it and make the"
                    + " test role and database as .ci/run does: pg_ctlcluster 15 main start, then the psql lines in .ci/run"
                    + " (or point -Dnetpersona.test.pg.url/.user/.password at another server).", e);
        }
    }

    @Override
    StoreConfig config() {
        return new StoreConfig.Postgres(URL, USER, PASSWORD, schema, 4);
    }

    @Override
    void dispose() throws SQLException {
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
