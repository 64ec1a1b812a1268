package io.netpersona.identity;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;

/**
 * TLS contexts for gRPC over Netty (the shaded transport), mutual in both directions: the control plane
 * requires a client certificate from its CA, an agent trusts only a server certificate from its CA. Nothing
 * else is trusted, neither the JDK's CAs nor the system's.
 */
public final class TlsContexts {
    private TlsContexts() {}

    /** The control plane's context from a certificate folder ({@code control.crt}, {@code control.key}, {@code ca.crt}). */
    public static SslContext server(CertificateDir dir) {
        return server(dir.caCert(), dir.controlCert(), dir.controlKey());
    }

    /** The context of {@code node}'s agent from a certificate folder ({@code NODE.crt}, {@code NODE.key}, {@code ca.crt}). */
    public static SslContext client(CertificateDir dir, String node) {
        return client(dir.caCert(), dir.nodeCert(node), dir.nodeKey(node));
    }

    public static SslContext server(Path caCert, Path cert, Path key) {
        Material m = Material.load(caCert, cert, key);
        try {
            return GrpcSslContexts.configure(io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder.forServer(m.key, m.cert))
                    .trustManager(m.ca)
                    .clientAuth(ClientAuth.REQUIRE)
                    .build();
        } catch (SSLException e) {
            throw new IdentityException(cert + ": cannot make a TLS server context (" + e.getMessage() + ")", e);
        }
    }

    public static SslContext client(Path caCert, Path cert, Path key) {
        Material m = Material.load(caCert, cert, key);
        try {
            return GrpcSslContexts.forClient().keyManager(new OwnKeyManager(m.key, m.cert)).trustManager(m.ca).build();
        } catch (SSLException e) {
            throw new IdentityException(cert + ": cannot make a TLS client context (" + e.getMessage() + ")", e);
        }
    }

    /** Read up front, so a missing or broken file is named before any connection is tried. */
    private record Material(X509Certificate ca, X509Certificate cert, PrivateKey key) {
        static Material load(Path caCert, Path cert, Path key) {
            return new Material(Pem.readCertificate(CertificateDir.existing(caCert, "the CA's certificate")),
                    Pem.readCertificate(CertificateDir.existing(cert, "the certificate")),
                    Pem.readPrivateKey(CertificateDir.existing(key, "the private key")));
        }
    }
}
