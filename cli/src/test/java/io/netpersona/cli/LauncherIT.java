package io.netpersona.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ./persona launcher in a scratch copy of the repository whose Maven wrapper is a stand-in: it records
 * each build and installs the real packaged jar, so that "build when missing or older than the sources"
 * can be watched without running Maven inside a test.
 */
class LauncherIT {
    private static final Path JAR = Path.of(System.getProperty("persona.jar", "target/persona.jar")).toAbsolutePath();

    @TempDir
    Path root;
    Path builds;
    Path source;

    @BeforeEach
    void copyLauncher() throws IOException {
        Path real = Processes.root();
        Files.createDirectories(root.resolve("scripts"));
        Files.copy(real.resolve("persona"), root.resolve("persona"));
        Files.copy(real.resolve("scripts/find-jdk.sh"), root.resolve("scripts/find-jdk.sh"));
        // the launcher sources the JVM's options from here too
        Files.copy(real.resolve("scripts/java-opts.sh"), root.resolve("scripts/java-opts.sh"));
        source = root.resolve("model/src/main/java/Some.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "class Some {}\n");
        Files.writeString(root.resolve("pom.xml"), "<project/>\n");
        Files.setLastModifiedTime(source, FileTime.from(Instant.now().minusSeconds(3600)));
        Files.setLastModifiedTime(root.resolve("pom.xml"), FileTime.from(Instant.now().minusSeconds(3600)));
        builds = root.resolve("builds.log");
        writeWrapper("""
                #!/usr/bin/env bash
                echo "$JAVA_HOME $*" >> "%s"
                mkdir -p cli/target && cp "%s" cli/target/persona.jar
                """.formatted(builds, JAR));
    }

    void writeWrapper(String script) throws IOException {
        Path mvnw = root.resolve("mvnw");
        Files.writeString(mvnw, script);
        Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    Processes.Run launch(Map<String, String> env, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("./persona"));
        command.addAll(List.of(args));
        return Processes.run(root, env, null, command);
    }

    List<String> builds() throws IOException {
        return Files.exists(builds) ? Files.readAllLines(builds) : List.of();
    }

    static Map<String, String> freshMachine() {
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_HOME", null);
        return env;
    }

    @Test
    void buildsWhenMissingThenOnlyWhenSourcesChange() throws Exception {
        Processes.Run first = launch(freshMachine(), "--version");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.err()).contains("building the distribution");
        assertThat(first.out()).contains("Java 25");
        assertThat(builds()).hasSize(1);
        assertThat(builds().getFirst()).contains("-pl cli -am package");

        Processes.Run second = launch(freshMachine(), "--version");
        assertThat(second.code()).isZero();
        assertThat(second.err()).doesNotContain("building");
        assertThat(builds()).hasSize(1);

        Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(60)));
        Processes.Run third = launch(freshMachine(), "--version");
        assertThat(third.code()).isZero();
        assertThat(builds()).hasSize(2);
    }

    @Test
    void findsJdk25WhenJavaHomeIsTooOld() throws Exception {
        Path jdk17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(jdk17),
                "needs the machine's JDK 17 at " + jdk17 + " to stand for an old JAVA_HOME");
        Map<String, String> env = freshMachine();
        env.put("JAVA_HOME", jdk17.toString());
        Processes.Run r = launch(env, "--version");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Java 25");
        assertThat(builds().getFirst()).doesNotStartWith(jdk17.toString());
    }

    @Test
    void saysWhatItLookedAtWhenNoJdkIsNewEnough() throws Exception {
        Map<String, String> env = freshMachine();
        env.put("NETPERSONA_JDK_SEARCH", root.resolve("no-jdks-here").toString());
        Processes.Run r = launch(env, "--version");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("needs a JDK 25 or newer and found none", "set JAVA_HOME");
        assertThat(builds()).isEmpty();
    }

    @Test
    void aFailedBuildShowsTheEndOfItsLog() throws Exception {
        writeWrapper("#!/usr/bin/env bash\necho 'COMPILATION ERROR: Some.java:[1,7] expected'\nexit 1\n");
        Processes.Run r = launch(freshMachine(), "--version");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("the build failed", "COMPILATION ERROR: Some.java");
        assertThat(r.out()).isEmpty();
    }
}
