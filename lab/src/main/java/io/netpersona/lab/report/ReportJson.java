package io.netpersona.lab.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** {@code lab-report.json}: the report as data, for scripts and for comparing runs. */
public final class ReportJson {
    private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private ReportJson() {
    }

    public static String text(LabReport report) {
        return MAPPER.writeValueAsString(report);
    }

    /** Writes the report whole or not at all: a crash mid-write leaves the previous file (or none). */
    public static void write(LabReport report, Path file) {
        writeAtomically(text(report), file);
    }

    static void writeAtomically(String content, Path file) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, content);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a report written by {@link #write}; a file that is not one is refused with its name and the reason. */
    public static LabReport read(Path file) {
        try {
            return MAPPER.readValue(Files.readString(file), LabReport.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + ": not a lab report: " + e.getOriginalMessage(), e);
        }
    }
}
