package io.netpersona.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a real process with a time limit, as a user's shell would, and captures what it prints. */
final class Processes {
    record Run(int code, String out, String err) {}

    private Processes() {}

    static Run run(Path dir, Map<String, String> env, String stdin, List<String> command) throws IOException,
            InterruptedException {
        Path out = Files.createTempFile("persona-out", ".txt");
        Path err = Files.createTempFile("persona-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            env.forEach((k, v) -> {
                if (v == null) {
                    pb.environment().remove(k); // unset, as on a machine where nobody set it
                } else {
                    pb.environment().put(k, v);
                }
            });
            Process p = pb.start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out after 180 s: " + command);
            }
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The repository root (the cli module's parent). */
    static Path root() {
        return Path.of(System.getProperty("persona.root", "..")).toAbsolutePath().normalize();
    }
}
