package io.netpersona.control;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The REST API's bearer token, kept in {@code DATA/admin.token} (owner only). Made on the first start;
 * read on every later one, so restarting keeps the operators' token.
 */
final class AdminToken {
    private final byte[] token;
    private final Path file;
    private final boolean created;

    private AdminToken(byte[] token, Path file, boolean created) {
        this.token = token;
        this.file = file;
        this.created = created;
    }

    static AdminToken loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve("admin.token");
        try {
            if (Files.exists(file)) {
                String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
                if (text.length() < 32) {
                    throw new ControlException(file + ": the token is " + text.length() + " characters (expected: at least 32; "
                            + "remove the file to have a new one made)");
                }
                return new AdminToken(text.getBytes(StandardCharsets.US_ASCII), file, false);
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String text = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, text + "\n", StandardCharsets.US_ASCII);
            return new AdminToken(text.getBytes(StandardCharsets.US_ASCII), file, true);
        } catch (FileAlreadyExistsException e) {
            // another process made it between the check and the creation: use theirs
            return loadOrCreate(dataDir);
        } catch (IOException e) {
            throw new ControlException(file + ": cannot be read or written (" + e + ")", e);
        }
    }

    /** Whether an Authorization header carries this token; compared in constant time. */
    boolean accepts(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(token, authorization.substring(7).strip().getBytes(StandardCharsets.US_ASCII));
    }

    Path file() {
        return file;
    }

    boolean created() {
        return created;
    }

    @Override
    public String toString() {
        return "AdminToken[" + file + "]";
    }
}
