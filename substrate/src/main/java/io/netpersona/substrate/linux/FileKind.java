package io.netpersona.substrate.linux;

import io.netpersona.substrate.Resource;
import io.netpersona.substrate.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** A small text file the driver owns, such as {@code /etc/netns/NAME/resolv.conf} ({@code file}, id = path). */
final class FileKind implements ResourceKind {
    static final String KIND = "file";

    static Resource of(String path, String content) {
        return new Resource(KIND, "", path, Map.of("content", content));
    }

    @Override
    public String name() {
        return KIND;
    }

    @Override
    public int order() {
        return 90;
    }

    @Override
    public Optional<Resource> read(Resource.Key key, HostView view, Records.Entry recorded) {
        Path p = Path.of(key.id());
        if (!Files.isRegularFile(p)) {
            return Optional.empty();
        }
        try {
            return Optional.of(of(key.id(), Files.readString(p)));
        } catch (IOException e) {
            return Optional.of(new Resource(KIND, "", key.id(), Map.of("content", "(unreadable: " + e.getMessage() + ")")));
        }
    }

    @Override
    public void render(Step step, Batches out) {
        switch (step) {
            case Step.Create c -> out.file(c.resource().id(), c.resource().attr("content"));
            case Step.Modify m -> out.file(m.to().id(), m.to().attr("content"));
            case Step.Delete d -> out.file(d.resource().id(), null);
        }
    }
}
