package io.netpersona.model;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;

/** Reflection over the document's records, shared by the reader, the writer and diff. */
final class Records {
    private Records() {}

    static List<String> fieldNames(Class<?> recordType) {
        return Arrays.stream(recordType.getRecordComponents()).map(RecordComponent::getName).toList();
    }

    static Object get(RecordComponent c, Object record) {
        try {
            return c.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + c.getName(), e);
        }
    }

    /** A record of the document (not a scalar written as text, such as Rate or Cidr). */
    static boolean isDocumentRecord(Object value) {
        return value instanceof Record && !Scalars.isTextScalar(value.getClass());
    }
}
