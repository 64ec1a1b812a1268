package io.netpersona.cli;

import io.netpersona.model.Persona;
import io.netpersona.model.PersonaCodec;
import io.netpersona.model.Problem;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Reading persona files (or standard input, named "-") for the commands. */
final class Documents {
    /** Larger than any persona; keeps a wrong argument (a disk image, /dev/zero) from filling the memory. */
    static final long MAX_BYTES = 16L << 20;

    private Documents() {}

    /** A file read and parsed: either a persona, or the problems that refuse it (including I/O trouble). */
    record Loaded(String name, PersonaCodec.Parsed parsed) {
        boolean valid() {
            return parsed instanceof PersonaCodec.Parsed.Valid;
        }

        Persona persona() {
            return ((PersonaCodec.Parsed.Valid) parsed).persona();
        }

        List<Problem> problems() {
            return parsed instanceof PersonaCodec.Parsed.Invalid i ? i.problems() : List.of();
        }

        /** Problems as people read them: {@code file: path: message}, or {@code file:line:column: message}. */
        List<String> problemLines() {
            return problems().stream().map(p -> p.hasLocation()
                    ? name + ":" + p.line() + ":" + p.column() + ": " + p.message()
                    : name + ": " + p).toList();
        }
    }

    static Loaded load(String name) {
        String text;
        try {
            text = read(name);
        } catch (IOException e) {
            return new Loaded(name, new PersonaCodec.Parsed.Invalid(List.of(new Problem("", reason(e)))));
        }
        return new Loaded(name, PersonaCodec.parse(text, PersonaCodec.Format.detect(name, text)));
    }

    private static String read(String name) throws IOException {
        if (name.equals("-")) {
            byte[] in = System.in.readNBytes((int) MAX_BYTES + 1);
            return decode(in);
        }
        Path path = Path.of(name);
        if (Files.isDirectory(path)) {
            throw new IOException("a directory, not a persona file");
        }
        if (Files.isRegularFile(path) && Files.size(path) > MAX_BYTES) {
            throw new IOException("larger than 16 MiB, not a persona file");
        }
        try (var in = Files.newInputStream(path)) {
            return decode(in.readNBytes((int) MAX_BYTES + 1));
        }
    }

    private static String decode(byte[] bytes) throws IOException {
        if (bytes.length > MAX_BYTES) {
            throw new IOException("larger than 16 MiB, not a persona file");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException("not UTF-8 text");
        }
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "cannot read: no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "cannot read: permission denied";
        }
        return "cannot read: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
}
