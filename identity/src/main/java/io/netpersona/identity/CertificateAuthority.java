package io.netpersona.identity;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Creates an installation's CA and the certificates it signs. Keys are ECDSA P-256. The CA may sign end
 * certificates only (path length 0). A node certificate carries the node name as its subject's CN, as a DNS
 * name and as the URI {@code spiffe://netpersona/node/NODE}, which {@link NodeIdentity} reads; it is good
 * for TLS clients only. The control plane's certificate is good for TLS servers, for {@code localhost}, the
 * loopback addresses and the hosts it is given.
 *
 * <p>Nothing here overwrites a file: a file that exists is an error naming it.
 */
public final class CertificateAuthority {
    /** The name of the control plane's certificate, in its CN. */
    public static final String CONTROL_NAME = "netpersona-control";
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private CertificateAuthority() {}

    /** A certificate written with its key. */
    public record Issued(Path certificate, Path key, X509Certificate x509) {}

    /** What {@link #init} wrote. */
    public record Initialized(Issued ca, Issued control) {}

    /**
     * Creates the folder when missing (owner only), a CA, and the control plane's certificate for
     * {@code hosts} (host names or IP addresses) besides localhost.
     */
    public static Initialized init(Path dir, List<String> hosts, Validity caValidity, Validity controlValidity) {
        CertificateDir files = new CertificateDir(dir);
        List<GeneralName> names = controlNames(hosts);
        mkdirs(dir);
        refuseExisting(files.caCert(), files.caKey(), files.controlCert(), files.controlKey());

        List<Path> written = new ArrayList<>();
        try {
            KeyPair caKeys = newKeyPair();
            X500Name caName = name("netpersona CA");
            X509Certificate ca = sign(builder(caName, caName, caValidity, caKeys, null)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)), caKeys.getPrivate());
            Issued caIssued = write(files.caCert(), files.caKey(), ca, caKeys.getPrivate(), written);
            KeyPair keys = newKeyPair();
            X509Certificate control = sign(builder(caName, name(CONTROL_NAME), controlValidity, keys, ca)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new))),
                    caKeys.getPrivate());
            Issued controlIssued = write(files.controlCert(), files.controlKey(), control, keys.getPrivate(), written);
            return new Initialized(caIssued, controlIssued);
        } catch (RuntimeException | IOException e) {
            undo(written);
            throw e instanceof IdentityException ie ? ie : new IdentityException(dir + ": " + e.getMessage(), e);
        }
    }

    /** {@link #init} with a CA good for ten years and a control-plane certificate good for {@code days}. */
    public static Initialized init(Path dir, List<String> hosts, Clock clock, int days) {
        return init(dir, hosts, Validity.days(clock, 3650), Validity.days(clock, days));
    }

    /** Issues the certificate of {@code node}, signed by the CA in {@code dir}. */
    public static Issued issue(Path dir, String node, Validity validity) {
        CertificateDir files = new CertificateDir(dir);
        CertificateDir.checkNode(node);
        String hint = "the CA; create it with 'persona certs init " + dir + "'";
        X509Certificate ca = Pem.readCertificate(CertificateDir.existing(files.caCert(), hint));
        PrivateKey caKey = Pem.readPrivateKey(CertificateDir.existing(files.caKey(), hint));
        if (validity.notAfter().isAfter(ca.getNotAfter().toInstant())) {
            throw new IdentityException("validity: until " + validity.notAfter() + " (expected: not past the CA's end, "
                    + ca.getNotAfter().toInstant() + ", in " + files.caCert() + ")");
        }
        refuseExisting(files.nodeCert(node), files.nodeKey(node));
        KeyPair keys = newKeyPair();
        try {
            X509Certificate cert = sign(builder(X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()), name(node), validity, keys, ca)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.uniformResourceIdentifier, NodeIdentity.URI_PREFIX + node),
                        new GeneralName(GeneralName.dNSName, node)})),
                    caKey);
            List<Path> written = new ArrayList<>();
            try {
                return write(files.nodeCert(node), files.nodeKey(node), cert, keys.getPrivate(), written);
            } catch (RuntimeException e) {
                undo(written);
                throw e;
            }
        } catch (CertIOException e) {
            throw new IdentityException("certificate of " + node + ": " + e.getMessage(), e);
        }
    }

    /** {@link #issue} for {@code days} days from now. */
    public static Issued issue(Path dir, String node, Clock clock, int days) {
        return issue(dir, node, Validity.days(clock, days));
    }

    private static List<GeneralName> controlNames(List<String> hosts) {
        LinkedHashSet<String> all = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        all.addAll(hosts);
        List<GeneralName> names = new ArrayList<>();
        for (String h : all) {
            if (h.matches("[0-9.]+") || h.contains(":")) {
                try {
                    // a literal only: InetAddress does no lookup for one, and anything else is refused below
                    names.add(new GeneralName(GeneralName.iPAddress, InetAddress.ofLiteral(h).getHostAddress()));
                } catch (IllegalArgumentException e) {
                    throw new IdentityException("host: '" + h + "' (expected: a host name or an IP address)");
                }
            } else if (h.matches("(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*")) {
                names.add(new GeneralName(GeneralName.dNSName, h));
            } else {
                throw new IdentityException("host: '" + h + "' (expected: a host name or an IP address)");
            }
        }
        return names;
    }

    private static X500Name name(String cn) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "netpersona").addRDN(BCStyle.CN, cn).build();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, Validity validity, KeyPair keys,
            X509Certificate issuerCert) {
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM).add(BigInteger.ONE),
                    Date.from(validity.notBefore()), Date.from(validity.notAfter()), subject, keys.getPublic())
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            if (issuerCert != null) {
                b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerCert));
            }
            return b;
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IdentityException("certificate of " + subject + ": " + e.getMessage(), e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey) {
        try {
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(SIGNATURE).build(issuerKey)));
        } catch (OperatorCreationException | java.security.cert.CertificateException e) {
            throw new IdentityException("signing failed: " + e.getMessage(), e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IdentityException("this JDK cannot make P-256 keys: " + e.getMessage(), e);
        }
    }

    private static Issued write(Path certFile, Path keyFile, X509Certificate cert, PrivateKey key, List<Path> written) {
        Pem.create(keyFile, Pem.privateKey(key), true);
        written.add(keyFile);
        Pem.create(certFile, Pem.certificate(cert), false);
        written.add(certFile);
        return new Issued(certFile, keyFile, cert);
    }

    private static void refuseExisting(Path... files) {
        for (Path f : files) {
            if (Files.exists(f)) {
                throw new IdentityException(f + ": already exists (remove it first to replace it)");
            }
        }
    }

    private static void mkdirs(Path dir) {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new IdentityException(dir + ": cannot create the folder (" + e + ")", e);
        }
    }

    private static void undo(List<Path> written) {
        // a half-written set would make the next run fail on "already exists"
        for (Path p : written) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // the error being reported matters more
            }
        }
    }
}
