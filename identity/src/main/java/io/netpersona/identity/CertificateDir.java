package io.netpersona.identity;

import io.netpersona.model.Names;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * The files of a certificate folder: {@code ca.crt} and {@code ca.key} (the installation's CA),
 * {@code control.crt} and {@code control.key} (the control plane), and {@code NODE.crt} and {@code NODE.key}
 * for every node. Certificates and keys are PEM; keys are unencrypted PKCS#8, readable by the owner only.
 */
public record CertificateDir(Path dir) {
    /** The names the folder's own files take, so no node may have them. */
    static final Set<String> RESERVED = Set.of("ca", "control");

    public CertificateDir {
        Objects.requireNonNull(dir, "dir");
    }

    public Path caCert() {
        return dir.resolve("ca.crt");
    }

    public Path caKey() {
        return dir.resolve("ca.key");
    }

    public Path controlCert() {
        return dir.resolve("control.crt");
    }

    public Path controlKey() {
        return dir.resolve("control.key");
    }

    public Path nodeCert(String node) {
        return dir.resolve(checkNode(node) + ".crt");
    }

    public Path nodeKey(String node) {
        return dir.resolve(checkNode(node) + ".key");
    }

    /**
     * Returns {@code node} when it can name a node: the document's name rule, so that it can also become a
     * file name, and none of the folder's own names.
     */
    public static String checkNode(String node) {
        if (!Names.isName(node)) {
            throw new IdentityException("node name: " + (node == null ? "(none)" : "'" + node + "'")
                    + " (expected: " + Names.NAME_EXPECTED + ")");
        }
        if (RESERVED.contains(node)) {
            throw new IdentityException("node name: '" + node + "' (expected: any name but " + String.join(" and ", RESERVED.stream().sorted().toList())
                    + ", which name the CA's and the control plane's own files)");
        }
        return node;
    }

    /** Fails with the file's name unless it exists. */
    static Path existing(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new IdentityException(file + ": not found (" + what + ")");
        }
        return file;
    }
}
