package io.netpersona.model;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;

/** Reflection over the document's records, shared by the reader, the writer and diff. */
final class Records {
    private Records() {}

    /** Components and accessors found once per record class: reflection is slow, and writers call it a lot. */
    private static final ClassValue<RecordComponent[]> COMPONENTS = new ClassValue<>() {
        @Override
        protected RecordComponent[] computeValue(Class<?> type) {
            return type.getRecordComponents();
        }
    };
    private static final ClassValue<MethodHandle[]> ACCESSORS = new ClassValue<>() {
        @Override
        protected MethodHandle[] computeValue(Class<?> type) {
            RecordComponent[] cs = COMPONENTS.get(type);
            MethodHandle[] out = new MethodHandle[cs.length];
            for (int i = 0; i < cs.length; i++) {
                try {
                    out[i] = MethodHandles.publicLookup().unreflect(cs[i].getAccessor());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot read " + cs[i].getName(), e);
                }
            }
            return out;
        }
    };

    static RecordComponent[] components(Class<?> recordType) {
        return COMPONENTS.get(recordType);
    }

    static List<String> fieldNames(Class<?> recordType) {
        return Arrays.stream(components(recordType)).map(RecordComponent::getName).toList();
    }

    static Object get(RecordComponent c, Object record) {
        RecordComponent[] cs = COMPONENTS.get(record.getClass());
        for (int i = 0; i < cs.length; i++) {
            if (cs[i].getName().equals(c.getName())) { // components have identity equality; names are unique
                try {
                    return ACCESSORS.get(record.getClass())[i].invoke(record);
                } catch (Throwable e) {
                    throw new IllegalStateException("cannot read " + c.getName(), e);
                }
            }
        }
        throw new IllegalStateException(c.getName() + " is not a component of " + record.getClass());
    }

    /** A record of the document (not a scalar written as text, such as Rate or Cidr). */
    static boolean isDocumentRecord(Object value) {
        return value instanceof Record && !Scalars.isTextScalar(value.getClass());
    }
}
