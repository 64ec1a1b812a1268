package io.netpersona.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The JSON Schema of the persona document ({@code persona.schema.json}) against the records it describes,
 * the example persona, the canonical written form, and documents that break its shape.
 */
class PersonaSchemaTest {
    private static final String SCHEMA_ID = "https://netpersona.io/schema/persona-v1.json";
    private static final String SCHEMA_RESOURCE = "/io/netpersona/model/persona.schema.json";
    private static final String METASCHEMA_2020_12 = "https://json-schema.org/draft/2020-12/schema";
    /** The tests run in the model module's directory. */
    private static final Path EXAMPLE = Path.of("../examples/arena.yaml");

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final ObjectMapper YAML = YAMLMapper.builder().build();

    private static String schemaText;
    private static JsonNode schemaTree;
    private static SchemaRegistry registry;
    private static Schema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in = PersonaSchemaTest.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            assertThat(in).as("schema resource %s on the class path", SCHEMA_RESOURCE).isNotNull();
            schemaText = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        schemaTree = JSON.readTree(schemaText);
        SchemaRegistryConfig config = SchemaRegistryConfig.builder().locale(Locale.ENGLISH).build();
        // the schema is served from memory under its $id, so nothing is fetched from the network
        registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                b -> b.schemas(Map.of(SCHEMA_ID, schemaText)).schemaRegistryConfig(config));
        schema = registry.getSchema(SchemaLocation.of(SCHEMA_ID));
    }

    // ---------------------------------------------------------------- the schema itself

    @Test
    void schemaIsDraft202012WithItsIdAndConstants() {
        assertThat(schemaTree.path("$schema").asString()).isEqualTo(METASCHEMA_2020_12);
        assertThat(schemaTree.path("$id").asString()).isEqualTo(SCHEMA_ID);
        assertThat(schemaTree.at("/properties/apiVersion/const").asString()).isEqualTo(Persona.API_VERSION);
        assertThat(schemaTree.at("/properties/kind/const").asString()).isEqualTo(Persona.KIND);
        assertThat(strings(schemaTree.path("required"))).containsExactlyInAnyOrder(
                "apiVersion", "kind", "metadata", "spec");
        assertThat(strings(schemaTree.at("/properties/metadata/required"))).contains("name");
        assertThat(strings(schemaTree.at("/properties/spec/required"))).contains("app");
        assertThat(strings(schemaTree.at("/properties/spec/properties/topology/required"))).contains("kind");
        assertThat(strings(schemaTree.at("/$defs/allowRule/required"))).contains("direction");
        assertThat(strings(schemaTree.at("/$defs/dependency/required"))).contains("name");
    }

    @Test
    void schemaIsValidAgainstTheDraft202012Metaschema() {
        Schema meta = registry.getSchema(SchemaLocation.of(METASCHEMA_2020_12));
        assertThat(meta.validate(schemaTree)).isEmpty();
    }

    @Test
    void everySchemaObjectIsClosedAndEveryPropertyAndDefinitionIsDescribed() {
        List<String> problems = new ArrayList<>();
        int[] objects = {0};
        checkClosedAndDescribed(schemaTree, "#", problems, objects);
        schemaTree.path("$defs").properties().forEach(e -> {
            if (!hasDescription(e.getValue())) {
                problems.add("#/$defs/" + e.getKey() + ": no description");
            }
        });
        assertThat(problems).isEmpty();
        // root, metadata, labels, spec, app, exe, topology, qos, tcp, dns, routing, security, limits, adaptation,
        // evidence, rates, reasons, allowRule, dependency
        assertThat(objects[0]).isEqualTo(19);
    }

    /** Every {@code type: object} schema: described, and closed (false) or, for a map, typed values. */
    private static void checkClosedAndDescribed(JsonNode node, String at, List<String> problems, int[] objects) {
        if (node.isObject()) {
            if ("object".equals(node.path("type").asString(null))) {
                objects[0]++;
                if (!hasDescription(node)) {
                    problems.add(at + ": object without description");
                }
                JsonNode additional = node.get("additionalProperties");
                if (node.has("properties")) {
                    if (additional == null || !additional.isBoolean() || additional.booleanValue()) {
                        problems.add(at + ": additionalProperties is " + additional + ", not false");
                    }
                    node.get("properties").properties().forEach(p -> {
                        if (!hasDescription(p.getValue())) {
                            problems.add(at + "/properties/" + p.getKey() + ": property without description");
                        }
                    });
                } else if (additional == null || !"string".equals(additional.path("type").asString(null))) {
                    // a map (labels, reasons): free keys, text values
                    problems.add(at + ": object without properties that is not a map of strings");
                }
            }
            node.properties().forEach(e -> checkClosedAndDescribed(e.getValue(), at + "/" + e.getKey(), problems,
                    objects));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkClosedAndDescribed(node.get(i), at + "/" + i, problems, objects);
            }
        }
    }

    // ---------------------------------------------------------------- records against the schema

    @Test
    void everyRecordHasExactlyTheFieldsOfItsSchemaObject() {
        List<String> mismatches = new ArrayList<>();
        Set<Class<?>> visited = new LinkedHashSet<>();
        compareRecord(Persona.class, schemaTree, "", mismatches, visited);
        assertThat(mismatches).isEmpty();
        // the walk reached every record of the document
        assertThat(visited).containsExactlyInAnyOrder(Persona.class, Metadata.class, Spec.class, AppSelector.class,
                Exe.class, Topology.class, Qos.class, Tcp.class, Dns.class, Routing.class, Security.class,
                AllowRule.class, Limits.class, Dependency.class, Adaptation.class, Evidence.class,
                Evidence.Rates.class);
    }

    @Test
    void everyEnumFieldListsTheLowerCasedConstants() {
        Map<String, Class<? extends Enum<?>>> enums = Map.of(
                "/properties/spec/properties/trafficClass", TrafficClass.class,
                "/properties/spec/properties/topology/properties/kind", TopologyKind.class,
                "/properties/spec/properties/tcp/properties/congestionControl", CongestionControl.class,
                "/properties/spec/properties/security/properties/defaultAction", Action.class,
                "/properties/spec/properties/adaptation/properties/mode", AdaptationMode.class,
                "/$defs/allowRule/properties/direction", Direction.class,
                "/$defs/protocol", Protocol.class);
        enums.forEach((pointer, type) -> {
            JsonNode node = resolve(schemaTree.at(pointer), pointer, new ArrayList<>());
            assertThat(strings(node.path("enum"))).as(pointer).containsExactly(lowerCased(type).toArray(String[]::new));
        });
    }

    private static void compareRecord(Class<?> type, JsonNode ref, String path, List<String> mismatches,
            Set<Class<?>> visited) {
        JsonNode s = resolve(ref, path, mismatches);
        if (s == null) {
            return;
        }
        String where = path.isEmpty() ? "(document)" : path;
        visited.add(type);
        if (!"object".equals(s.path("type").asString(null))) {
            mismatches.add(where + " (" + type.getSimpleName() + "): schema type is not object");
        }
        if (!s.path("additionalProperties").isBoolean() || s.path("additionalProperties").booleanValue()) {
            mismatches.add(where + " (" + type.getSimpleName() + "): additionalProperties is not false");
        }
        JsonNode properties = s.path("properties");
        Set<String> fields = new TreeSet<>(Records.fieldNames(type));
        Set<String> keys = new TreeSet<>(properties.propertyNames());
        for (String f : fields) {
            if (!keys.contains(f)) {
                mismatches.add(where + ": record field " + type.getSimpleName() + "." + f + " missing from the schema");
            }
        }
        for (String k : keys) {
            if (!fields.contains(k)) {
                mismatches.add(where + ": schema property " + k + " has no field in " + type.getSimpleName());
            }
        }
        for (RecordComponent c : type.getRecordComponents()) {
            if (properties.has(c.getName())) {
                compareType(c.getGenericType(), properties.get(c.getName()), join(path, c.getName()), mismatches,
                        visited);
            }
        }
    }

    private static void compareType(Type type, JsonNode ref, String path, List<String> mismatches,
            Set<Class<?>> visited) {
        JsonNode s = resolve(ref, path, mismatches);
        if (s == null) {
            return;
        }
        if (type instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            if (raw == List.class) {
                if (!types(s).equals(Set.of("array"))) {
                    mismatches.add(path + ": a List in the record, schema types " + types(s));
                }
                compareType(p.getActualTypeArguments()[0], s.path("items"), path + "[]", mismatches, visited);
            } else if (raw == Map.class) {
                if (!Arrays.equals(p.getActualTypeArguments(), new Type[] {String.class, String.class})) {
                    mismatches.add(path + ": a map other than Map<String, String>: " + p);
                }
                if (!types(s).equals(Set.of("object")) || !types(s.path("additionalProperties")).equals(Set.of("string"))) {
                    mismatches.add(path + ": a Map<String, String> in the record, schema is not an object of strings");
                }
            } else {
                mismatches.add(path + ": unexpected generic type " + p);
            }
            return;
        }
        Class<?> c = (Class<?>) type;
        if (c.isEnum()) {
            @SuppressWarnings("unchecked")
            List<String> constants = lowerCased((Class<? extends Enum<?>>) c);
            if (!types(s).equals(Set.of("string")) || !strings(s.path("enum")).equals(constants)) {
                mismatches.add(path + ": enum " + c.getSimpleName() + " " + constants + ", schema enum "
                        + s.path("enum") + " of types " + types(s));
            }
        } else if (c.isRecord() && !Scalars.isTextScalar(c)) {
            compareRecord(c, s, path, mismatches, visited);
        } else if (Scalars.isTextScalar(c)) {
            // written as text (20Mbit, udp/27015, 10s, ...): a string with a pattern, maybe also a number form
            if (!types(s).contains("string")) {
                mismatches.add(path + ": " + c.getSimpleName() + " is written as text, schema types " + types(s));
            }
            if (!hasPattern(s)) {
                mismatches.add(path + ": " + c.getSimpleName() + " text has no pattern in the schema");
            }
        } else {
            String expected = c == String.class ? "string"
                    : c == Integer.class || c == Long.class ? "integer"
                    : c == Double.class ? "number"
                    : c == Boolean.class ? "boolean"
                    : null;
            if (expected == null) {
                mismatches.add(path + ": no known schema type for " + c.getName());
            } else if (!types(s).equals(Set.of(expected))) {
                mismatches.add(path + ": " + c.getSimpleName() + " in the record, schema types " + types(s));
            }
        }
    }

    /** Follows {@code $ref}s into {@code $defs}; null (and a mismatch) when one does not resolve. */
    private static JsonNode resolve(JsonNode node, String path, List<String> mismatches) {
        JsonNode n = node;
        for (int hops = 0; n != null && n.has("$ref"); hops++) {
            String ref = n.get("$ref").asString();
            JsonNode target = ref.startsWith("#/$defs/") ? schemaTree.at(ref.substring(1)) : null;
            if (target == null || target.isMissingNode() || hops > 10) {
                mismatches.add(path + ": $ref " + ref + " does not resolve into $defs");
                return null;
            }
            n = target;
        }
        if (n == null || n.isMissingNode()) {
            mismatches.add(path + ": no schema");
            return null;
        }
        return n;
    }

    /** The JSON types a schema admits: its own type, or the union over its anyOf/oneOf branches. */
    private static Set<String> types(JsonNode s) {
        Set<String> out = new TreeSet<>();
        JsonNode t = s.path("type");
        if (t.isString()) {
            out.add(t.asString());
        } else if (t.isArray()) {
            out.addAll(strings(t));
        }
        if (out.isEmpty()) {
            for (String combinator : List.of("anyOf", "oneOf")) {
                for (JsonNode branch : s.path(combinator)) {
                    out.addAll(types(branch));
                }
            }
        }
        return out;
    }

    private static boolean hasPattern(JsonNode s) {
        if (s.has("pattern")) {
            return true;
        }
        for (String combinator : List.of("anyOf", "oneOf")) {
            for (JsonNode branch : s.path(combinator)) {
                if (hasPattern(branch)) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- valid documents

    @Test
    void theExampleAsWrittenValidates() throws IOException {
        JsonNode example = YAML.readTree(Files.readString(EXAMPLE));
        assertThat(example.at("/metadata/name").asString()).isEqualTo("arena");
        assertThat(describe(schema.validate(example))).isEmpty();
    }

    @Test
    void theCanonicalFormOfTheExampleValidates() throws IOException {
        Persona persona = PersonaCodec.readYaml(Files.readString(EXAMPLE));
        JsonNode canonical = PersonaCodec.toTree(persona);
        assertThat(canonical.at("/evidence/rates/p50").asString()).isEqualTo("2.6Mbit");
        assertThat(describe(schema.validate(canonical))).isEmpty();
        // and the same after a round trip through the written YAML and JSON texts
        assertThat(describe(schema.validate(YAML.readTree(PersonaCodec.toYaml(persona))))).isEmpty();
        assertThat(describe(schema.validate(JSON.readTree(PersonaCodec.toJson(persona))))).isEmpty();
    }

    @Test
    void aMinimalPersonaValidates() {
        Persona minimal = Persona.of(Metadata.named("tiny"), Spec.forApp(AppSelector.netns("tiny")), null);
        assertThat(PersonaValidator.validate(minimal)).isEmpty();
        assertThat(describe(schema.validate(PersonaCodec.toTree(minimal)))).isEmpty();
    }

    // ---------------------------------------------------------------- documents that break the shape

    /**
     * A change to the valid example that breaks the schema: where the schema must report it (the instance
     * location, with the property for required and additionalProperties), with which keyword, and the path
     * at which the codec must report it.
     */
    record Broken(String label, Consumer<ObjectNode> change, String schemaAt, String keyword, String codecPath) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Broken> brokenDocuments() {
        return Stream.of(
                new Broken("unknown field spec.qos.prio", d -> obj(d, "/spec/qos").put("prio", 3),
                        "/spec/qos/prio", "additionalProperties", "spec.qos.prio"),
                new Broken("trafficClass urgent", d -> obj(d, "/spec").put("trafficClass", "urgent"),
                        "/spec/trafficClass", "enum", "spec.trafficClass"),
                new Broken("qos priority 9", d -> obj(d, "/spec/qos").put("priority", 9),
                        "/spec/qos/priority", "maximum", "spec.qos.priority"),
                new Broken("mtu 70000", d -> obj(d, "/spec").put("mtu", 70000),
                        "/spec/mtu", "maximum", "spec.mtu"),
                new Broken("ceilRate fast", d -> obj(d, "/spec/qos").put("ceilRate", "fast"),
                        "/spec/qos/ceilRate", "pattern", "spec.qos.ceilRate"),
                new Broken("spec.app missing", d -> obj(d, "/spec").remove("app"),
                        "/spec/app", "required", "spec.app"),
                new Broken("allow rule port 0", d -> obj(d, "/spec/security/allow/0").put("port", 0),
                        "/spec/security/allow/0/port", "minimum", "spec.security.allow[0].port"),
                new Broken("metadata.name Arena_1", d -> obj(d, "/metadata").put("name", "Arena_1"),
                        "/metadata/name", "pattern", "metadata.name"),
                new Broken("topology without kind", d -> obj(d, "/spec/topology").remove("kind"),
                        "/spec/topology/kind", "required", "spec.topology.kind"),
                new Broken("apiVersion netpersona.io/v2", d -> d.put("apiVersion", "netpersona.io/v2"),
                        "/apiVersion", "const", "apiVersion"));
    }

    @Test
    void theUnchangedBaseOfTheBrokenDocumentsIsAcceptedByBoth() throws IOException {
        ObjectNode base = exampleTree();
        assertThat(describe(schema.validate(base))).isEmpty();
        assertThat(PersonaCodec.parse(YAML.writeValueAsString(base), PersonaCodec.Format.YAML))
                .isInstanceOf(PersonaCodec.Parsed.Valid.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenDocuments")
    void aDocumentThatBreaksTheShapeIsRefusedByTheSchemaAndTheCodec(Broken broken) throws IOException {
        ObjectNode doc = exampleTree();
        broken.change().accept(doc);

        List<Error> errors = schema.validate(doc);
        assertThat(errors).as("schema errors").isNotEmpty();
        assertThat(errors).as("schema errors %s", describe(errors))
                .anySatisfy(e -> {
                    assertThat(location(e)).isEqualTo(broken.schemaAt());
                    assertThat(e.getKeyword()).isEqualTo(broken.keyword());
                })
                .allSatisfy(e -> assertThat(location(e)).isEqualTo(broken.schemaAt()));

        PersonaCodec.Parsed parsed = PersonaCodec.parse(YAML.writeValueAsString(doc), PersonaCodec.Format.YAML);
        assertThat(parsed).isInstanceOf(PersonaCodec.Parsed.Invalid.class);
        List<Problem> problems = ((PersonaCodec.Parsed.Invalid) parsed).problems();
        assertThat(problems).as("codec problems").extracting(Problem::path).contains(broken.codecPath());
    }

    // ---------------------------------------------------------------- helpers

    private static ObjectNode exampleTree() throws IOException {
        return (ObjectNode) YAML.readTree(Files.readString(EXAMPLE));
    }

    private static ObjectNode obj(ObjectNode doc, String pointer) {
        JsonNode n = doc.at(pointer);
        assertThat(n.isObject()).as("%s is a mapping in the example", pointer).isTrue();
        return (ObjectNode) n;
    }

    /** The error's instance location, with the named property for errors about a property of an object. */
    private static String location(Error e) {
        String at = e.getInstanceLocation().toString();
        if (e.getProperty() != null && Set.of("required", "additionalProperties").contains(e.getKeyword())) {
            return at + "/" + e.getProperty();
        }
        return at;
    }

    private static List<String> describe(List<Error> errors) {
        return errors.stream().map(e -> location(e) + " [" + e.getKeyword() + "] " + e.getMessage()).toList();
    }

    private static boolean hasDescription(JsonNode node) {
        return node.path("description").isString() && !node.path("description").asString().isBlank();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array instanceof ArrayNode a) {
            a.forEach(n -> out.add(n.asString()));
        }
        return out;
    }

    private static List<String> lowerCased(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.toList());
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
