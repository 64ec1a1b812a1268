package io.netpersona.model;

import java.util.regex.Pattern;

/**
 * The name rules of the document. Anything that may later become an argument of a command (namespace,
 * interface, persona names) is checked here, so that no value can be taken for an option or a path.
 */
public final class Names {
    /** Persona, dependency and topology member names. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    public static final String NAME_EXPECTED = "1-63 characters of a-z, 0-9 and -, not starting with -";
    /** Network namespace names (a file under /run/netns). */
    public static final Pattern NETNS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    public static final String NETNS_EXPECTED =
            "a namespace name of 1-63 characters of A-Z, a-z, 0-9, _, . and -, starting with a letter or digit";
    /** Interface names: IFNAMSIZ is 16 including the terminating zero. */
    public static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,14}");
    public static final String IFNAME_EXPECTED =
            "an interface name of 1-15 characters of A-Z, a-z, 0-9, _, . and -, starting with a letter or digit";
    static final Pattern DOMAIN = Pattern.compile(
            "(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
    static final String DOMAIN_EXPECTED = "a DNS name such as db.lab or example.org";
    static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._/-]{0,61}[A-Za-z0-9])?");
    static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?");
    static final Pattern CGROUP = Pattern.compile("/sys/fs/cgroup(/[A-Za-z0-9_.@:+-]+)+");
    static final Pattern EXE = Pattern.compile("/?([A-Za-z0-9_.+@-]+/)*[A-Za-z0-9_.+@-]{1,255}");
    static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private Names() {}

    public static boolean isName(String s) {
        return s != null && NAME.matcher(s).matches();
    }

    public static boolean isNetns(String s) {
        return s != null && NETNS.matcher(s).matches();
    }

    public static boolean isInterface(String s) {
        return s != null && IFNAME.matcher(s).matches() && !s.equals(".") && !s.equals("..");
    }
}
