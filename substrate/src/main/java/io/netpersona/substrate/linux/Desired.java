package io.netpersona.substrate.linux;

import io.netpersona.model.Problem;
import io.netpersona.substrate.Resource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a persona asks of this machine, compiled field by field, with the problems that stop it. */
final class Desired {
    private final Map<Resource.Key, Resource> resources = new LinkedHashMap<>();
    private final List<Problem> problems = new ArrayList<>();

    void add(Resource r) {
        resources.put(r.key(), r);
    }

    void problem(String path, String message) {
        problems.add(new Problem(path, message));
    }

    Map<Resource.Key, Resource> resources() {
        return resources;
    }

    List<Problem> problems() {
        return problems;
    }
}
