package io.netpersona.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertsCommandTest {
    @TempDir
    Path tmp;

    @Test
    void initThenIssueWritesFilesNamedAfterTheNode() throws Exception {
        Path dir = tmp.resolve("certs");
        MainTest.Result init = MainTest.run("certs", "init", dir.toString(), "--host", "cp.example.org");
        assertThat(init.code()).as(init.err()).isZero();
        assertThat(init.out()).contains(dir.resolve("ca.crt").toString(), dir.resolve("control.key").toString());
        MainTest.Result issue = MainTest.run("certs", "issue", dir.toString(), "edge-01");
        assertThat(issue.code()).as(issue.err()).isZero();
        assertThat(issue.out()).startsWith("node edge-01: " + dir.resolve("edge-01.crt") + ", key " + dir.resolve("edge-01.key"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("edge-01.key")))).isEqualTo("rw-------");
        // the key's content never reaches the terminal
        String key = Files.readString(dir.resolve("edge-01.key")).lines().skip(1).findFirst().orElseThrow();
        assertThat(init.out() + issue.out()).doesNotContain(key).doesNotContain("PRIVATE KEY");
    }

    @Test
    void errorsNameTheFileOrValue() {
        MainTest.Result noCa = MainTest.run("certs", "issue", tmp.toString(), "edge-01");
        assertThat(noCa.code()).isEqualTo(1);
        assertThat(noCa.err()).isEqualTo("persona certs issue: " + tmp.resolve("ca.crt") + ": not found (the CA; create it with "
                + "'persona certs init " + tmp + "')\n");
        assertThat(MainTest.run("certs", "init", tmp.toString()).code()).isZero();
        MainTest.Result again = MainTest.run("certs", "init", tmp.toString());
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("persona certs init: " + tmp.resolve("ca.crt") + ": already exists (remove it first to replace it)\n");
        MainTest.Result bad = MainTest.run("certs", "issue", tmp.toString(), "Edge_1");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("node name: 'Edge_1' (expected: 1-63 characters of a-z, 0-9 and -, not starting with -)");
    }
}
