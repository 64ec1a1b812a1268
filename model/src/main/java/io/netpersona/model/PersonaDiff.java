package io.netpersona.model;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The typed differences between two personas, in document order. {@code diff(a, b)} is empty exactly
 * when the two are equal up to the order of allow rules and of dependencies (neither order means
 * anything), and {@code diff(b, a)} is {@code diff(a, b)} with every change inverted.
 */
public final class PersonaDiff {
    private final List<Change> out = new ArrayList<>();

    private PersonaDiff() {}

    public static List<Change> diff(Persona a, Persona b) {
        PersonaDiff d = new PersonaDiff();
        d.record("", Persona.class, a, b);
        return List.copyOf(d.out);
    }

    /** Changes as a JSON-ready tree: {@code [{path, op, old, new}]} with values written as in the document. */
    public static ArrayNode toTree(List<Change> changes) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (Change c : changes) {
            ObjectNode o = array.addObject();
            o.put("path", c.path());
            o.put("op", c.kind().name().toLowerCase(java.util.Locale.ROOT));
            if (c.oldValue() != null) {
                o.set("old", TreeWriter.write(c.oldValue()));
            }
            if (c.newValue() != null) {
                o.set("new", TreeWriter.write(c.newValue()));
            }
        }
        return array;
    }

    private void record(String path, Class<?> type, Object a, Object b) {
        if (Objects.equals(a, b)) {
            return;
        }
        if (a == null || b == null) {
            Object present = a == null ? b : a;
            Object empty = empty(type);
            if (present.equals(empty)) {
                out.add(new Change(path, a, b));
                return;
            }
            // a part added or removed as a whole shows as its fields, so that one field reads the same
            // whether or not its parent existed before
            record(path, type, a == null ? empty : a, b == null ? empty : b);
            return;
        }
        for (RecordComponent c : Records.components(type)) {
            value(TreeReader.join(path, c.getName()), c.getGenericType(), Records.get(c, a), Records.get(c, b));
        }
    }

    private void value(String path, Type type, Object a, Object b) {
        if (Objects.equals(a, b)) {
            return;
        }
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (raw.isRecord() && !Scalars.isTextScalar(raw)) {
            record(path, raw, a, b);
        } else if (raw == List.class && (element(type) == AllowRule.class || element(type) == Dependency.class)) {
            int before = out.size();
            if (element(type) == AllowRule.class) {
                allowRules(path, list(a), list(b));
            } else {
                dependencies(path, list(a), list(b));
            }
            if (out.size() == before && (a == null) != (b == null)) {
                out.add(new Change(path, a, b)); // absent against an empty list
            }
        } else if (raw == Map.class && a != null && b != null) {
            map(path, (Map<?, ?>) a, (Map<?, ?>) b);
        } else {
            out.add(new Change(path, a, b));
        }
    }

    private void allowRules(String path, List<?> a, List<?> b) {
        // order-insensitive; sorted by the rule's text, so that diff(b, a) lists the same rules in the same order
        List<Change> changes = new ArrayList<>();
        a.stream().filter(r -> !b.contains(r)).forEach(r -> changes.add(new Change(path, r, null)));
        b.stream().filter(r -> !a.contains(r)).forEach(r -> changes.add(new Change(path, null, r)));
        changes.sort(Comparator.comparing(c -> FlowText.of(c.oldValue() != null ? c.oldValue() : c.newValue())));
        out.addAll(changes);
    }

    private void dependencies(String path, List<?> a, List<?> b) {
        Map<String, Dependency> before = byName(a);
        Map<String, Dependency> after = byName(b);
        TreeSet<String> names = new TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        for (String name : names) {
            record(path + "[" + name + "]", Dependency.class, before.get(name), after.get(name));
        }
    }

    private void map(String path, Map<?, ?> a, Map<?, ?> b) {
        TreeSet<String> keys = new TreeSet<>();
        a.keySet().forEach(k -> keys.add(String.valueOf(k)));
        b.keySet().forEach(k -> keys.add(String.valueOf(k)));
        for (String k : keys) {
            if (!Objects.equals(a.get(k), b.get(k))) {
                out.add(new Change(path + "[" + k + "]", a.get(k), b.get(k)));
            }
        }
    }

    private static Map<String, Dependency> byName(List<?> list) {
        Map<String, Dependency> m = new LinkedHashMap<>();
        for (Object o : list) {
            Dependency d = (Dependency) o;
            m.putIfAbsent(String.valueOf(d.name()), d);
        }
        return m;
    }

    private static List<?> list(Object o) {
        return o == null ? List.of() : (List<?>) o;
    }

    private static Class<?> element(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getActualTypeArguments()[0] : Object.class;
    }

    private static Object empty(Class<?> type) {
        RecordComponent[] cs = Records.components(type);
        Class<?>[] types = new Class<?>[cs.length];
        for (int i = 0; i < cs.length; i++) {
            types[i] = cs[i].getType();
        }
        try {
            return type.getDeclaredConstructor(types).newInstance(new Object[cs.length]);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make an empty " + type.getSimpleName(), e);
        }
    }
}
