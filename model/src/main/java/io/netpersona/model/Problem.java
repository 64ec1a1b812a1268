package io.netpersona.model;

/**
 * One thing wrong with a persona document: the field path ({@code spec.qos.priority}, empty for the
 * document itself), and a message that names the value and what was expected. Syntax errors carry the
 * line and column (1-based) instead of a path.
 */
public record Problem(String path, String message, int line, int column) {
    public Problem(String path, String message) {
        this(path, message, 0, 0);
    }

    public static Problem at(int line, int column, String message) {
        return new Problem("", message, line, column);
    }

    public boolean hasLocation() {
        return line > 0;
    }

    @Override
    public String toString() {
        if (hasLocation()) {
            return "line " + line + ", column " + column + ": " + message;
        }
        return path.isEmpty() ? message : path + ": " + message;
    }
}
