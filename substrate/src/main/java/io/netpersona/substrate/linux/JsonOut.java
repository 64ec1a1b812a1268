package io.netpersona.substrate.linux;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * JSON written straight into a byte array, as Jackson's generator writes it (UTF-8; quotes, backslashes and
 * control characters escaped, {@code \n}-style where JSON has a short form; a lone surrogate as {@code \\uXXXX}),
 * for the records' log lines. A journal and a commit of a thousand personas are megabytes of strings; the
 * generator's bookkeeping around each name and value (its contexts, its checks, its buffer's segments) cost
 * more than the bytes themselves; here most strings, ASCII that needs no escape, are copied whole.
 *
 * <p>Commas are placed by the writer: a value, or a name, that follows another in its object or array gets one.
 */
final class JsonOut {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private byte[] buf;
    private int size;
    /** Whether what comes next in the current object or array follows something (and so needs a comma). */
    private boolean follows;

    JsonOut(int capacity) {
        buf = new byte[Math.max(capacity, 64)];
    }

    int size() {
        return size;
    }

    /** The bytes written so far (a copy). */
    byte[] bytes() {
        return Arrays.copyOf(buf, size);
    }

    /** The bytes from {@code from} to {@code to} (a copy). */
    byte[] bytes(int from, int to) {
        return Arrays.copyOfRange(buf, from, to);
    }

    /** What was written from {@code from} to the end, as text. */
    String text(int from) {
        return new String(buf, from, size - from, StandardCharsets.UTF_8);
    }

    JsonOut beginObject() {
        comma();
        put((byte) '{');
        follows = false;
        return this;
    }

    JsonOut endObject() {
        put((byte) '}');
        follows = true;
        return this;
    }

    JsonOut beginArray() {
        comma();
        put((byte) '[');
        follows = false;
        return this;
    }

    JsonOut endArray() {
        put((byte) ']');
        follows = true;
        return this;
    }

    JsonOut name(String name) {
        comma();
        quoted(name);
        put((byte) ':');
        follows = false;
        return this;
    }

    JsonOut value(String text) {
        comma();
        quoted(text);
        follows = true;
        return this;
    }

    JsonOut value(long number) {
        comma();
        raw(Long.toString(number));
        follows = true;
        return this;
    }

    JsonOut nullValue() {
        comma();
        raw("null");
        follows = true;
        return this;
    }

    /** A value that is JSON already (a record written before). */
    JsonOut rawValue(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return rawValue(b, 0, b.length);
    }

    /** A value that is JSON already, as UTF-8 bytes. */
    JsonOut rawValue(byte[] json, int from, int length) {
        comma();
        room(length);
        System.arraycopy(json, from, buf, size, length);
        size += length;
        follows = true;
        return this;
    }

    JsonOut property(String name, String text) {
        return name(name).value(text);
    }

    /** Bytes as they are, outside the comma bookkeeping (a line's end). */
    JsonOut raw(String ascii) {
        room(ascii.length());
        for (int i = 0; i < ascii.length(); i++) {
            buf[size++] = (byte) ascii.charAt(i);
        }
        return this;
    }

    private void comma() {
        if (follows) {
            put((byte) ',');
        }
    }

    private void put(byte b) {
        room(1);
        buf[size++] = b;
    }

    private void room(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }

    private void quoted(String s) {
        int n = s.length();
        // the common case, ASCII that needs no escape: the JDK copies an ASCII string's bytes at once, and a
        // look at bytes is quicker than one at characters. A string that is not all ASCII (its UTF-8 is
        // longer) goes a character at a time; so does everything from a byte that needs more than a copy,
        // '?' included, which is how a surrogate without its other half comes out
        byte[] ascii = s.getBytes(StandardCharsets.UTF_8);
        int i = ascii.length == n ? plain(ascii) : 0;
        room(i + 2);
        buf[size++] = '"';
        System.arraycopy(ascii, 0, buf, size, i);
        size += i;
        if (i < n) {
            room(n - i + 1);
            while (i < n) {
                char c = s.charAt(i);
                if (c < 0x80 && c >= 0x20 && c != '"' && c != '\\') {
                    buf[size++] = (byte) c;
                    i++;
                } else {
                    room(6 + n - i); // this character's at most six bytes, and the rest's one each
                    i = special(s, i);
                }
            }
        }
        room(1);
        buf[size++] = '"';
    }

    /**
     * How many bytes of ASCII {@code b} from its start need no more than a copy: none below 0x20, no quote,
     * no backslash, no '?'.
     */
    private static int plain(byte[] b) {
        int i = 0;
        for (; i < b.length; i++) {
            byte c = b[i];
            if (c < 0x20 || c == '"' || c == '\\' || c == '?') {
                break;
            }
        }
        return i;
    }

    /** Writes the character at {@code i}, escaped or in UTF-8; returns the index after it (a surrogate pair is two). */
    private int special(String s, int i) {
        char c = s.charAt(i);
        if (c < 0x80) {
            escape(c);
        } else if (c < 0x800) {
            buf[size++] = (byte) (0xc0 | (c >> 6));
            buf[size++] = (byte) (0x80 | (c & 0x3f));
        } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            int cp = Character.toCodePoint(c, s.charAt(i + 1));
            buf[size++] = (byte) (0xf0 | (cp >> 18));
            buf[size++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
            buf[size++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
            buf[size++] = (byte) (0x80 | (cp & 0x3f));
            return i + 2;
        } else if (Character.isSurrogate(c)) {
            unicodeEscape(c); // a surrogate without its other half is no character of UTF-8
        } else {
            buf[size++] = (byte) (0xe0 | (c >> 12));
            buf[size++] = (byte) (0x80 | ((c >> 6) & 0x3f));
            buf[size++] = (byte) (0x80 | (c & 0x3f));
        }
        return i + 1;
    }

    private void escape(char c) {
        char shortForm = switch (c) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '\b' -> 'b';
            case '\t' -> 't';
            case '\n' -> 'n';
            case '\f' -> 'f';
            case '\r' -> 'r';
            default -> 0;
        };
        if (shortForm != 0) {
            buf[size++] = '\\';
            buf[size++] = (byte) shortForm;
        } else {
            unicodeEscape(c);
        }
    }

    private void unicodeEscape(char c) {
        buf[size++] = '\\';
        buf[size++] = 'u';
        buf[size++] = HEX[(c >> 12) & 15];
        buf[size++] = HEX[(c >> 8) & 15];
        buf[size++] = HEX[(c >> 4) & 15];
        buf[size++] = HEX[c & 15];
    }
}
