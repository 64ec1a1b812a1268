package io.netpersona.learn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** What both readers share: the file they read through one {@link ChunkedInput}, and where they are in it. */
abstract sealed class FileCaptureReader implements CaptureReader permits PcapReader, PcapngReader {
    final ChunkedInput in;

    FileCaptureReader(ChunkedInput in) {
        this.in = in;
    }

    @Override
    public Path file() {
        return in.file;
    }

    @Override
    public long position() {
        return in.offset();
    }

    @Override
    public long size() {
        return in.size();
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
