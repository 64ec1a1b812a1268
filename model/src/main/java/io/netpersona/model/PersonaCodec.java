package io.netpersona.model;

import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import tools.jackson.databind.DeserializationFeature;

/**
 * Reads and writes persona documents as YAML or JSON. Reading refuses a document whole when anything is
 * wrong with it and lists every problem; writing is canonical (declaration order, units in their
 * shortest exact form), so that a written document reads back equal.
 */
public final class PersonaCodec {
    /** The two formats of the document. */
    public enum Format {
        YAML, JSON;

        /** JSON for a {@code .json} file, YAML for {@code .yaml}/{@code .yml}, otherwise by the first character. */
        public static Format detect(String fileName, String text) {
            String name = fileName.toLowerCase(java.util.Locale.ROOT);
            if (name.endsWith(".json")) {
                return JSON;
            }
            if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                return YAML;
            }
            return text.stripLeading().startsWith("{") ? JSON : YAML;
        }
    }

    /** The outcome of reading a document: a valid persona, or the problems that refuse it. */
    public sealed interface Parsed {
        /** A document that read and validated. */
        record Valid(Persona persona) implements Parsed {}

        /** A refused document, with every problem found. */
        record Invalid(List<Problem> problems) implements Parsed {
            public Invalid {
                problems = List.copyOf(problems);
            }
        }
    }

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
            .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
            .enable(YAMLWriteFeature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLWriteFeature.INDENT_ARRAYS_WITH_INDICATOR)
            .disable(YAMLWriteFeature.SPLIT_LINES)
            .build();
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private PersonaCodec() {}

    /** Reads and validates a document. */
    public static Parsed parse(String text, Format format) {
        Problems problems = new Problems();
        JsonNode tree = tree(text, format, problems);
        if (tree == null) {
            return new Parsed.Invalid(problems.list());
        }
        Persona persona = new TreeReader(problems).readRecord(Persona.class, tree, "");
        PersonaValidator.check(persona, problems);
        return problems.isEmpty() ? new Parsed.Valid(persona) : new Parsed.Invalid(problems.list());
    }

    /** Reads and validates a document, or throws with every problem. */
    public static Persona read(String text, Format format) {
        return switch (parse(text, format)) {
            case Parsed.Valid v -> v.persona();
            case Parsed.Invalid i -> throw new InvalidPersonaException(i.problems());
        };
    }

    public static Persona readYaml(String text) {
        return read(text, Format.YAML);
    }

    public static Persona readJson(String text) {
        return read(text, Format.JSON);
    }

    public static String write(Persona persona, Format format) {
        return write((Object) persona, format);
    }

    public static String toYaml(Persona persona) {
        return write(persona, Format.YAML);
    }

    public static String toJson(Persona persona) {
        return write(persona, Format.JSON);
    }

    /** Any value of the document (a persona, a part of one, a list of changes) as YAML or JSON. */
    public static String write(Object value, Format format) {
        JsonNode tree = value instanceof JsonNode n ? n : TreeWriter.write(value);
        String out = (format == Format.YAML ? YAML : JSON).writeValueAsString(tree);
        return out.endsWith("\n") ? out : out + "\n";
    }

    /** A value of the document as a tree, written the way the document writes it. */
    public static JsonNode toTree(Object value) {
        return TreeWriter.write(value);
    }

    /** A value of the document in the document's compact text ({@code 20Mbit}, {@code udp/27015}, ...). */
    public static String toText(Object value) {
        if (value == null) {
            return "(absent)";
        }
        JsonNode tree = TreeWriter.write(value);
        if (tree.isString()) {
            return tree.stringValue();
        }
        return tree.isValueNode() ? tree.asString() : JSON.writer().without(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(tree);
    }

    private static JsonNode tree(String text, Format format, Problems problems) {
        ObjectMapper mapper = format == Format.YAML ? YAML : JSON;
        try (JsonParser parser = mapper.createParser(text)) {
            JsonToken first = parser.nextToken();
            JsonNode tree = first == null ? null : mapper.readTree(parser);
            for (JsonToken next = parser.nextToken(); next != null; next = parser.nextToken()) {
                if (next != JsonToken.VALUE_NULL) { // a bare "---" at the end is an empty document, harmless
                    TokenStreamLocation at = parser.currentTokenLocation();
                    problems.addAll(List.of(Problem.at(at.getLineNr(), at.getColumnNr(),
                            "a second document (expected: one persona per file)")));
                    return null;
                }
            }
            if (tree == null || tree.isNull() || tree.isMissingNode()) {
                problems.add("", "empty document (expected: a persona with apiVersion, kind, metadata and spec)");
                return null;
            }
            if (!tree.isObject()) {
                problems.invalid("", tree.isArray() ? "a list" : tree.asString(),
                        "a mapping with apiVersion, kind, metadata and spec");
                return null;
            }
            return tree;
        } catch (JacksonException e) {
            problems.addAll(List.of(syntaxProblem(e, format)));
            return null;
        }
    }

    /** Where and what: the YAML engine's own problem and context when it has them, else Jackson's. */
    private static Problem syntaxProblem(JacksonException e, Format format) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYamlEngineException y && y.getProblemMark().isPresent()) {
                Mark at = y.getProblemMark().get();
                String message = y.getProblem();
                if (y.getContext() != null) {
                    message += " (" + y.getContext() + y.getContextMark()
                            .map(m -> " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1)).orElse("") + ")";
                }
                return Problem.at(at.getLine() + 1, at.getColumn() + 1, message);
            }
        }
        TokenStreamLocation at = e.getLocation();
        String message = firstLine(e.getOriginalMessage());
        var duplicate = java.util.regex.Pattern.compile("Duplicate Object property \"(.*)\"").matcher(message);
        if (duplicate.find()) {
            message = "duplicate field " + duplicate.group(1) + " (expected: each field once)";
        }
        if (at != null && at.getLineNr() > 0) {
            return Problem.at(at.getLineNr(), at.getColumnNr(), message);
        }
        return new Problem("", "malformed " + format.name() + ": " + message);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable document";
        }
        String m = message.strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl).strip();
    }
}
