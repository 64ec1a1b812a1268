package io.netpersona.identity;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * An agent's one key and certificate, offered to the TLS engine as they are. Handing the key and
 * certificate to Netty's builder instead made it put them into a PKCS#12 key store and read them back,
 * each way through a password-based cipher of 10,000 key-derivation rounds: about 40 ms of CPU for every
 * context made, the most of what the agents benchmark's 10,000 simulated agents spent while connecting.
 * What a server is shown stays the same: this certificate, offered when the server asks for its key type
 * (and issuer, when it names the ones it accepts), nothing else.
 */
final class OwnKeyManager extends X509ExtendedKeyManager {
    static final String ALIAS = "node";

    private final PrivateKey key;
    private final X509Certificate[] chain;

    OwnKeyManager(PrivateKey key, X509Certificate cert) {
        this.key = key;
        this.chain = new X509Certificate[] {cert};
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return matches(keyTypes, issuers) ? ALIAS : null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return matches(keyTypes, issuers) ? ALIAS : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return matches(new String[] {keyType}, issuers) ? new String[] {ALIAS} : null;
    }

    /** A client's key manager: it serves no connection. */
    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }

    private boolean matches(String[] keyTypes, Principal[] issuers) {
        // the JDK names a key type as the key's algorithm, or with the signature's after '_' (EC_EC, RSA_RSA)
        boolean type = keyTypes == null || Arrays.stream(keyTypes)
                .anyMatch(t -> t != null && (t.equals(key.getAlgorithm()) || t.startsWith(key.getAlgorithm() + "_")));
        boolean issuer = issuers == null || issuers.length == 0
                || Arrays.asList(issuers).contains(chain[0].getIssuerX500Principal());
        return type && issuer;
    }
}
