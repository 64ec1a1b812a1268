package io.netpersona.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
    @TempDir
    Path tmp;

    private final Clock clock = Clock.systemUTC();

    @Test
    void initWritesCaAndControlPlaneWithPrivateKeysForTheOwnerOnly() throws Exception {
        Path dir = tmp.resolve("certs");
        CertificateAuthority.Initialized init = CertificateAuthority.init(dir, List.of("cp.example.org", "10.0.0.7"), clock, 365);
        CertificateDir files = new CertificateDir(dir);
        assertThat(init.ca().certificate()).isEqualTo(files.caCert());
        assertThat(init.control().key()).isEqualTo(files.controlKey());
        for (Path key : List.of(files.caKey(), files.controlKey())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
            assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");

        X509Certificate ca = Pem.readCertificate(files.caCert());
        assertThat(ca.getBasicConstraints()).isEqualTo(0);
        X509Certificate control = Pem.readCertificate(files.controlCert());
        control.verify(ca.getPublicKey());
        assertThat(control.getBasicConstraints()).isEqualTo(-1);
        assertThat(control.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(control.getSubjectAlternativeNames()).extracting(san -> (Object) san.get(1))
                .contains((Object) "localhost", "127.0.0.1", "cp.example.org", "10.0.0.7");
        assertThat(NodeIdentity.nodeOf(control)).isInstanceOf(NodeIdentity.Result.None.class);
    }

    @Test
    void issuedNodeCertificateNamesTheNodeInCnAndSan() throws Exception {
        CertificateAuthority.init(tmp, List.of(), clock, 30);
        CertificateAuthority.Issued issued = CertificateAuthority.issue(tmp, "edge-01", clock, 30);
        assertThat(issued.certificate()).isEqualTo(tmp.resolve("edge-01.crt"));
        assertThat(issued.key()).isEqualTo(tmp.resolve("edge-01.key"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(issued.key()))).isEqualTo("rw-------");
        assertThat(Files.readString(issued.key())).startsWith("-----BEGIN PRIVATE KEY-----");

        X509Certificate cert = Pem.readCertificate(issued.certificate());
        cert.verify(Pem.readCertificate(tmp.resolve("ca.crt")).getPublicKey());
        assertThat(cert.getSubjectX500Principal().getName()).contains("CN=edge-01");
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(cert.getSubjectAlternativeNames()).extracting(san -> (Object) san.get(1))
                .containsExactlyInAnyOrder((Object) "spiffe://netpersona/node/edge-01", "edge-01");
        assertThat(NodeIdentity.nodeOf(cert)).isEqualTo(new NodeIdentity.Result.Node("edge-01"));
        // the key on disk belongs to the certificate
        assertThat(Pem.readPrivateKey(issued.key()).getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void existingFilesAreNeverOverwritten() throws Exception {
        CertificateAuthority.init(tmp, List.of(), clock, 30);
        String caBefore = Files.readString(tmp.resolve("ca.crt"));
        assertThatThrownBy(() -> CertificateAuthority.init(tmp, List.of(), clock, 30))
                .isInstanceOf(IdentityException.class).hasMessage(tmp.resolve("ca.crt") + ": already exists (remove it first to replace it)");
        assertThat(Files.readString(tmp.resolve("ca.crt"))).isEqualTo(caBefore);

        CertificateAuthority.issue(tmp, "n1", clock, 30);
        String keyBefore = Files.readString(tmp.resolve("n1.key"));
        assertThatThrownBy(() -> CertificateAuthority.issue(tmp, "n1", clock, 30))
                .isInstanceOf(IdentityException.class).hasMessageStartingWith(tmp.resolve("n1.crt") + ": already exists");
        assertThat(Files.readString(tmp.resolve("n1.key"))).isEqualTo(keyBefore);
    }

    @Test
    void badNodeNamesAreRefusedWithTheRule() {
        CertificateAuthority.init(tmp, List.of(), clock, 30);
        for (String bad : List.of("Edge", "../x", "-a", "", "a".repeat(64), "a b")) {
            assertThatThrownBy(() -> CertificateAuthority.issue(tmp, bad, clock, 30))
                    .isInstanceOf(IdentityException.class)
                    .hasMessage("node name: '" + bad + "' (expected: 1-63 characters of a-z, 0-9 and -, not starting with -)");
        }
        assertThatThrownBy(() -> CertificateAuthority.issue(tmp, "ca", clock, 30))
                .isInstanceOf(IdentityException.class).hasMessageContaining("'ca'").hasMessageContaining("any name but ca and control");
        assertThat(tmp.resolve("..").resolve("x.crt")).doesNotExist();
    }

    @Test
    void issuingWithoutACaSaysHowToMakeOne() {
        assertThatThrownBy(() -> CertificateAuthority.issue(tmp, "n1", clock, 30))
                .isInstanceOf(IdentityException.class)
                .hasMessage(tmp.resolve("ca.crt") + ": not found (the CA; create it with 'persona certs init " + tmp + "')");
        assertThat(tmp.resolve("n1.key")).doesNotExist();
    }

    @Test
    void aNodeCertificateCannotOutliveItsCa() {
        Instant now = Instant.now();
        CertificateAuthority.init(tmp, List.of(), new Validity(now, now.plus(Duration.ofDays(10))), new Validity(now, now.plus(Duration.ofDays(5))));
        assertThatThrownBy(() -> CertificateAuthority.issue(tmp, "n1", clock, 30))
                .isInstanceOf(IdentityException.class).hasMessageStartingWith("validity: until ").hasMessageContaining("not past the CA's end");
    }

    @Test
    void badHostsAndDaysAreRefused() {
        assertThatThrownBy(() -> CertificateAuthority.init(tmp, List.of("bad host"), clock, 30))
                .isInstanceOf(IdentityException.class).hasMessage("host: 'bad host' (expected: a host name or an IP address)");
        assertThatThrownBy(() -> CertificateAuthority.init(tmp, List.of("1.2.3.999"), clock, 30))
                .isInstanceOf(IdentityException.class).hasMessage("host: '1.2.3.999' (expected: a host name or an IP address)");
        assertThatThrownBy(() -> CertificateAuthority.init(tmp, List.of(), clock, 0))
                .isInstanceOf(IdentityException.class).hasMessage("days: 0 (expected: 1..36500)");
        assertThat(tmp.resolve("ca.key")).doesNotExist();
    }

    @Test
    void anUnreadableKeyIsNamedWithoutQuotingItsContent() throws Exception {
        CertificateAuthority.init(tmp, List.of(), clock, 30);
        Files.writeString(tmp.resolve("ca.key"), "-----BEGIN PRIVATE KEY-----\nU0VDUkVUU0VDUkVU\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> CertificateAuthority.issue(tmp, "n1", clock, 30))
                .isInstanceOf(IdentityException.class)
                .satisfies(e -> assertThat(e.getMessage()).startsWith(tmp.resolve("ca.key").toString()).doesNotContain("U0VDUkVU"));
    }
}
