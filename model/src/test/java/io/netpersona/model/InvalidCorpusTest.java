package io.netpersona.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of invalid documents in {@code src/test/resources/invalid}: each file is refused, with
 * exactly the messages its header lists, one {@code # expect: <message>} comment line per problem. The
 * header is the leading block of comment lines; other comment lines there (a description, or a
 * {@code # wanted:} line naming a better message than the current one) are not checked.
 */
class InvalidCorpusTest {
    private static final String CORPUS = "invalid";
    private static final String EXPECT = "# expect:";
    private static final int MIN_FILES = 30;

    static Stream<String> corpus() {
        return files().stream().map(f -> f.getFileName().toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void refusedWithExactlyTheExpectedMessages(String fileName) {
        String text = read(dir().resolve(fileName));

        PersonaCodec.Parsed parsed = PersonaCodec.parse(text, PersonaCodec.Format.YAML);

        assertThat(parsed).as(fileName).isInstanceOf(PersonaCodec.Parsed.Invalid.class);
        List<String> actual = ((PersonaCodec.Parsed.Invalid) parsed).problems().stream()
                .map(Problem::toString)
                .toList();
        assertThat(actual).as("problems of %s", fileName).containsExactlyInAnyOrderElementsOf(expectations(text));
    }

    @Test
    void corpusIsLargeAndEveryFileExpectsSomething() {
        List<Path> files = files();
        assertThat(files).hasSizeGreaterThanOrEqualTo(MIN_FILES);
        for (Path f : files) {
            String name = f.getFileName().toString();
            assertThat(name).as("file name").matches("[0-9]{2}-[a-z0-9]+(-[a-z0-9]+)*\\.yaml");
            String text = read(f);
            assertThat(expectations(text)).as("%s: # expect: lines in the header", name)
                    .isNotEmpty()
                    .allSatisfy(e -> assertThat(e).as("%s: an expectation", name).isNotBlank());
            assertThat(text.lines().skip(header(text).size()))
                    .as("%s: # expect: lines after the header would not be checked", name)
                    .noneMatch(l -> l.strip().startsWith(EXPECT));
        }
    }

    @Test
    void fileNumbersAreUnique() {
        List<String> numbers = files().stream().map(f -> f.getFileName().toString().substring(0, 2)).toList();
        assertThat(numbers).doesNotHaveDuplicates();
    }

    /** The messages listed by the header's {@code # expect:} lines, in order. */
    static List<String> expectations(String text) {
        List<String> out = new ArrayList<>();
        for (String line : header(text)) {
            if (line.startsWith(EXPECT)) {
                out.add(line.substring(EXPECT.length()).strip());
            }
        }
        return out;
    }

    /** The leading comment lines (blank lines between them included). */
    private static List<String> header(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.lines().toList()) {
            if (!line.startsWith("#") && !line.isBlank()) {
                break;
            }
            out.add(line);
        }
        return out;
    }

    private static List<Path> files() {
        try (Stream<Path> s = Files.list(dir())) {
            return s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The corpus folder: the module's source tree when the tests run in the module (so that a file
     * renamed or deleted there cannot linger as a stale copy in target/test-classes), else the classpath.
     */
    private static Path dir() {
        Path source = Path.of("src", "test", "resources", CORPUS);
        if (Files.isDirectory(source)) {
            return source;
        }
        URL url = InvalidCorpusTest.class.getClassLoader().getResource(CORPUS);
        if (url != null && "file".equals(url.getProtocol())) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(
                "corpus folder not found: " + source.toAbsolutePath() + ", nor " + CORPUS + " on the classpath");
    }

    private static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
