package io.netpersona.identity;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** PEM files: certificates, and private keys as unencrypted PKCS#8 ("PRIVATE KEY"). */
final class Pem {
    private Pem() {}

    static String certificate(X509Certificate cert) {
        return write(cert);
    }

    static String privateKey(PrivateKey key) {
        try {
            return write(new JcaPKCS8Generator(key, null));
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IdentityException("private key: cannot be encoded as PKCS#8 (" + e.getMessage() + ")", e);
        }
    }

    private static String write(Object o) {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(o);
        } catch (IOException e) {
            throw new IdentityException("PEM encoding failed: " + e.getMessage(), e);
        }
        return s.toString();
    }

    /**
     * Creates {@code file} with {@code text}; a key file is made readable by its owner only from the moment
     * it exists, so no other user can open it in between.
     */
    static void create(Path file, String text, boolean secret) {
        try {
            if (secret) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING);
                    OutputStreamWriter w = new OutputStreamWriter(out, StandardCharsets.US_ASCII)) {
                w.write(text);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IdentityException(file + ": already exists (remove it first to replace it)", e);
        } catch (IOException e) {
            throw new IdentityException(file + ": cannot be written (" + e + ")", e);
        }
    }

    static X509Certificate readCertificate(Path file) {
        Object o = read(file);
        if (!(o instanceof X509CertificateHolder holder)) {
            throw new IdentityException(file + ": not a PEM certificate (found " + describe(o) + ")");
        }
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new IdentityException(file + ": not a valid certificate (" + e.getMessage() + ")", e);
        }
    }

    static PrivateKey readPrivateKey(Path file) {
        Object o = read(file);
        if (!(o instanceof PrivateKeyInfo info)) {
            throw new IdentityException(file + ": not a PKCS#8 private key (found " + describe(o) + ")");
        }
        try {
            return new JcaPEMKeyConverter().getPrivateKey(info);
        } catch (IOException e) {
            // the message of a key parser may quote the key's bytes, so only the file is named
            throw new IdentityException(file + ": the private key cannot be read");
        }
    }

    private static Object read(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            return p.readObject();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IdentityException(file + ": not found", e);
        } catch (IOException | RuntimeException e) {
            // only the kind of failure: a parser's message may quote the (secret) content
            throw new IdentityException(file + ": cannot be read as PEM (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String describe(Object o) {
        return o == null ? "no PEM block" : o.getClass().getSimpleName();
    }
}
