package io.netpersona.lab;

import java.util.Locale;

/** The lab's two server sites. Each has one host behind its own bottleneck uplink and its own path. */
public enum Site {
    A, B;

    /** {@code a} or {@code b}: the letter in names and options ({@code npl-host-a}, {@code --delay-a}). */
    public String letter() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code site-a} or {@code site-b}. */
    public String label() {
        return "site-" + letter();
    }

    /** 1 or 2: the third octet digit of the site's addresses (10.201.x.x, 10.202.x.x) and its route table. */
    int number() {
        return ordinal() + 1;
    }

    public static Site of(String text) {
        for (Site s : values()) {
            if (s.letter().equals(text) || s.label().equals(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("site " + text + " (expected: a, b, site-a or site-b)");
    }
}
