package io.netpersona.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM's AOT cache for {@code persona flows} (JDK 25: the classes loaded and linked, and the method
 * profiles, of a training run), kept next to the jar as {@code persona.aot}, where the {@code ./persona}
 * launcher looks for it. It saves the JVM much of its class loading and of its compilers' warm-up, which a
 * run of a few seconds pays in full otherwise.
 */
final class AotCache {
    /** The training capture: big enough that flows are decoded on two threads, as in the measured run. */
    private static final long TRAINING_BYTES = 64L << 20;

    private AotCache() {
    }

    /** The options that use {@code cache}; a cache the JVM cannot use (another jar) is passed over in silence. */
    static List<String> options(Path cache) {
        return List.of("-XX:AOTCache=" + cache, "-Xlog:aot=off", "-Xlog:cds=off");
    }

    /** The cache beside {@code jar}, made by a training run when it is missing or older than the jar. */
    static Path obtain(String java, List<String> javaOpts, Path jar, Path data, Path captures)
            throws IOException, InterruptedException {
        return obtain(java, javaOpts, List.of("-jar", jar.toString(), "flows", "-o", "csv"), jar, jar.resolveSibling("persona.aot"),
                data, captures);
    }

    /**
     * The cache {@code cache} for the program {@code program} (its class path and main class, or -jar and its
     * arguments before the capture), made by a training run on the training capture when it is missing or older
     * than {@code jar}: the floors get one the same way persona does, so that they pay for the JVM's start and
     * warm-up no more than persona would.
     */
    static Path obtain(String java, List<String> javaOpts, List<String> program, Path jar, Path cache, Path data,
            Path captures) throws IOException, InterruptedException {
        if (Files.isRegularFile(cache) && Files.getLastModifiedTime(cache).compareTo(Files.getLastModifiedTime(jar)) > 0) {
            System.out.println("aot cache: " + cache);
            return cache;
        }
        BigCapture.Built training = BigCapture.obtain(data, captures, TRAINING_BYTES);
        System.out.println("aot cache: making " + cache + " from a training run on " + training.file());
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(javaOpts);
        command.add("-XX:AOTCacheOutput=" + cache);
        command.addAll(program);
        command.add(training.file().toString());
        Path log = Files.createTempFile("aot-training", ".txt");
        try {
            int exit = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(log.toFile()).start().waitFor();
            if (exit != 0 || !Files.isRegularFile(cache)) {
                throw new IOException("the training run for " + cache + " failed (exit " + exit + "): "
                        + Files.readString(log).strip());
            }
        } finally {
            Files.deleteIfExists(log);
        }
        return cache;
    }
}
