package io.netpersona.substrate.linux;

import io.netpersona.substrate.SubstrateException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock of a state folder between processes: a file lock on {@code file}, which holds the pid of the
 * process that has it, so that one that waits too long can name the holder. Within a process, callers
 * keep apart by a lock of their own ({@link Records}): a file lock belongs to the whole process.
 */
final class FolderLock {
    private final Path dir;
    private final Path file;
    private final java.time.Duration lockWait;
    private FileChannel lockFile;
    private FileLock held;

    FolderLock(Path dir, Path file, java.time.Duration lockWait) {
        this.dir = dir;
        this.file = file;
        this.lockWait = lockWait;
    }

    void lock() {
        long deadline = System.nanoTime() + lockWait.toNanos();
        try {
            Files.createDirectories(dir);
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            try {
                FileLock l;
                while ((l = ch.tryLock()) == null) {
                    if (System.nanoTime() > deadline) {
                        String holder = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).strip();
                        throw new SubstrateException("another netpersona process" + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                                + " has been changing the state in " + dir + " for " + lockWait.toSeconds()
                                + " s; wait for it to finish, or stop it");
                    }
                    Thread.sleep(20);
                }
                ch.truncate(0);
                ch.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
                lockFile = ch;
                held = l;
            } catch (RuntimeException | InterruptedException e) {
                ch.close();
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                    throw new SubstrateException("interrupted while waiting for the state in " + dir, e);
                }
                throw (RuntimeException) e;
            }
        } catch (IOException e) {
            throw new SubstrateException("cannot lock the state in " + dir + ": " + e.getMessage(), e);
        }
    }

    void unlock() {
        try {
            if (held != null) {
                held.release();
            }
            if (lockFile != null) {
                lockFile.close();
            }
        } catch (IOException e) {
            throw new SubstrateException("cannot unlock the state in " + dir + ": " + e.getMessage(), e);
        } finally {
            held = null;
            lockFile = null;
        }
    }
}
