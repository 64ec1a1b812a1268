package io.netpersona.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an agent's key manager offers a server that asks for a client certificate. */
class OwnKeyManagerTest {
    @TempDir
    static Path tmp;
    static OwnKeyManager manager;
    static X509Certificate cert;

    @BeforeAll
    static void certificates() {
        Clock clock = Clock.systemUTC();
        CertificateDir ours = new CertificateDir(tmp.resolve("ours"));
        CertificateAuthority.init(ours.dir(), List.of(), clock, 30);
        CertificateAuthority.issue(ours.dir(), "edge-01", clock, 30);
        cert = Pem.readCertificate(ours.nodeCert("edge-01"));
        PrivateKey key = Pem.readPrivateKey(ours.nodeKey("edge-01"));
        manager = new OwnKeyManager(key, cert);
    }

    @Test
    void offersItsCertificateAndKeyForItsKeyTypeAndIssuer() {
        String alias = manager.chooseEngineClientAlias(new String[] {"RSA", "EC"}, new Principal[] {cert.getIssuerX500Principal()}, null);
        assertThat(alias).isEqualTo(OwnKeyManager.ALIAS);
        assertThat(manager.getCertificateChain(alias)).containsExactly(cert);
        assertThat(manager.getPrivateKey(alias).getAlgorithm()).isEqualTo("EC");
        assertThat(manager.chooseClientAlias(new String[] {"EC_EC"}, null, null)).isEqualTo(OwnKeyManager.ALIAS);
    }

    @Test
    void offersNothingForAnotherKeyTypeOrAnotherIssuer() {
        assertThat(manager.chooseEngineClientAlias(new String[] {"RSA"}, null, null)).isNull();
        assertThat(manager.chooseEngineClientAlias(new String[] {"EC"}, new Principal[] {new X500Principal("CN=another authority")}, null)).isNull();
        assertThat(manager.getClientAliases("RSA", null)).isNull();
        assertThat(manager.getPrivateKey("another")).isNull();
        assertThat(manager.chooseServerAlias("EC", null, null)).isNull();
    }
}
