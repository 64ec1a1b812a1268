package io.netpersona.substrate.linux.netlink;

import static io.netpersona.substrate.linux.netlink.Frames.attr;
import static io.netpersona.substrate.linux.netlink.Frames.concat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of a {@code tc -batch} input of the shapes the driver writes for HTB hierarchies, as the
 * rtnetlink message tc sends for it: {@code qdisc add ... root handle H htb default N}, {@code qdisc replace
 * ... parent P handle H tbf rate R burst B limit L}, {@code qdisc del ... (parent P | root)}, {@code class
 * replace ... parent P classid C htb rate R ceil R [burst B] [cburst B] [prio N]} and {@code class del ...
 * classid C}. Rates in {@code bit}, sizes in {@code b}, as the driver writes them. Any other line is not a
 * request ({@link #parse} is empty): its batch goes to tc.
 *
 * <p>The options are the ones tc (iproute2) sends: ratespecs with link layer ethernet and 64-bit rates
 * beside them from 2^32 bytes/s on; an HTB class's buckets in scheduler ticks as tc computes them from
 * {@code /proc/net/psched} ({@link Clock}), and its default bucket (none given) of rate/HZ + MTU 1600; a
 * tbf's bucket in bytes ({@code TCA_TBF_BURST}). Rate tables are left out: the kernel needs them only for
 * link layer "unaware".
 */
public record TcRequest(int type, int flags, String device, int handle, int parent, byte[] options, String kind) {
    static final int RTM_NEWQDISC = 36, RTM_DELQDISC = 37, RTM_NEWTCLASS = 40, RTM_DELTCLASS = 41;
    static final int NLM_F_REPLACE = 0x100, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400;
    private static final int TCA_KIND = 1, TCA_OPTIONS = 2;
    private static final int TCA_HTB_PARMS = 1, TCA_HTB_INIT = 2, TCA_HTB_RATE64 = 6, TCA_HTB_CEIL64 = 7;
    private static final int TCA_TBF_PARMS = 1, TCA_TBF_RATE64 = 4, TCA_TBF_BURST = 6;
    private static final int LINKLAYER_ETHERNET = 1, HTB_VERSION = 3, RATE2QUANTUM = 10, MTU = 1600;
    private static final long FOUR_G = 1L << 32;

    private static final String DEV = "(?<dev>[A-Za-z0-9_.@-]{1,15})";
    private static final String H = "([0-9a-f]{1,4}:[0-9a-f]{0,4})";
    private static final Pattern HTB_ROOT = Pattern.compile("qdisc add dev " + DEV + " root handle " + H + " htb default ([0-9a-f]{1,4})");
    private static final Pattern TBF = Pattern.compile("qdisc replace dev " + DEV + " parent " + H + " handle " + H
            + " tbf rate (\\d{1,19})bit burst (\\d{1,10})b limit (\\d{1,10})b");
    private static final Pattern QDISC_DEL = Pattern.compile("qdisc del dev " + DEV + " (?:parent " + H + "|root)");
    private static final Pattern CLASS = Pattern.compile("class replace dev " + DEV + " parent " + H + " classid " + H
            + " htb rate (\\d{1,19})bit ceil (\\d{1,19})bit(?: burst (\\d{1,10})b cburst (\\d{1,10})b)?(?: prio ([0-7]))?");
    private static final Pattern CLASS_DEL = Pattern.compile("class del dev " + DEV + " classid " + H);

    /** The request for one line, or empty when the line is not of the shapes above. */
    public static Optional<TcRequest> parse(String line, Clock clock) {
        Matcher m;
        if (line.startsWith("qdisc add ") && (m = HTB_ROOT.matcher(line)).matches()) {
            return htbRoot(m.group("dev"), m.group(2), m.group(3));
        }
        if (line.startsWith("qdisc replace ") && (m = TBF.matcher(line)).matches()) {
            return tbf(m.group("dev"), m.group(2), m.group(3), Long.parseLong(m.group(4)), Long.parseLong(m.group(5)),
                    Long.parseLong(m.group(6)), clock);
        }
        if (line.startsWith("qdisc del ") && (m = QDISC_DEL.matcher(line)).matches()) {
            return deleteQdisc(m.group("dev"), m.group(2));
        }
        if (line.startsWith("class replace ") && (m = CLASS.matcher(line)).matches()) {
            return htbClass(m.group("dev"), m.group(2), m.group(3), Long.parseLong(m.group(4)), Long.parseLong(m.group(5)),
                    m.group(6) != null ? Long.parseLong(m.group(6)) : -1, m.group(7) != null ? Long.parseLong(m.group(7)) : -1,
                    m.group(8), clock);
        }
        if (line.startsWith("class del ") && (m = CLASS_DEL.matcher(line)).matches()) {
            return deleteClass(m.group("dev"), m.group(2));
        }
        return Optional.empty();
    }

    // The requests built from their values, for callers that have them (the driver's tc kinds): what parse
    // gives for the line with these values, and empty where parse would find no request in that line. The
    // checks stand for the patterns above, so that a value a line could not carry is refused here as well.

    /** {@code qdisc add dev DEV root handle HANDLE htb default MINOR}. */
    public static Optional<TcRequest> htbRoot(String dev, String handle, String defaultMinor) {
        if (!device(dev) || !handleText(handle) || !hex(defaultMinor, 1, 4)) {
            return Optional.empty();
        }
        ByteBuffer glob = buffer(20).putInt(HTB_VERSION).putInt(RATE2QUANTUM).putInt(Integer.parseInt(defaultMinor, 16))
                .putInt(0).putInt(0);
        return Optional.of(new TcRequest(RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, dev, handle(handle),
                TcObject.ROOT, attr(TCA_HTB_INIT, glob.array()), "htb"));
    }

    /** {@code qdisc replace dev DEV parent PARENT handle HANDLE tbf rate RATEbit burst BURSTb limit LIMITb}. */
    public static Optional<TcRequest> tbf(String dev, String parent, String handle, long rateBits, long burst, long limit,
            Clock clock) {
        if (!device(dev) || !handleText(parent) || !handleText(handle) || rateBits < 0 || !size(burst) || !size(limit)) {
            return Optional.empty();
        }
        long rate = rateBits / 8;
        if (rate == 0 || burst == 0 || burst >= FOUR_G || limit >= FOUR_G) {
            return Optional.empty();
        }
        ByteBuffer qopt = buffer(36);
        ratespec(qopt, rate);
        qopt.put(new byte[12]); // no peak rate
        qopt.putInt((int) limit).putInt((int) clock.ticks(rate, burst)).putInt(0);
        byte[] o = concat(attr(TCA_TBF_PARMS, qopt.array()), attr(TCA_TBF_BURST, buffer(4).putInt((int) burst).array()),
                rate >= FOUR_G ? attr(TCA_TBF_RATE64, buffer(8).putLong(rate).array()) : new byte[0]);
        return Optional.of(new TcRequest(RTM_NEWQDISC, NLM_F_CREATE | NLM_F_REPLACE, dev, handle(handle), handle(parent), o, "tbf"));
    }

    /** {@code qdisc del dev DEV parent PARENT}, or {@code qdisc del dev DEV root} for a null parent. */
    public static Optional<TcRequest> deleteQdisc(String dev, String parent) {
        if (!device(dev) || (parent != null && !handleText(parent))) {
            return Optional.empty();
        }
        return Optional.of(new TcRequest(RTM_DELQDISC, 0, dev, 0, parent == null ? TcObject.ROOT : handle(parent), null, null));
    }

    /**
     * {@code class replace dev DEV parent PARENT classid CLASSID htb rate RATEbit ceil CEILbit [burst Bb cburst
     * CBb] [prio PRIO]}: bursts below 0 for none (both or neither), a null prio for none.
     */
    public static Optional<TcRequest> htbClass(String dev, String parent, String classid, long rateBits, long ceilBits,
            long burst, long cburst, String prio, Clock clock) {
        if (!device(dev) || !handleText(parent) || !handleText(classid) || rateBits < 0 || ceilBits < 0
                || (burst < 0) != (cburst < 0) || (burst >= 0 && (!size(burst) || !size(cburst)))
                || (prio != null && (prio.length() != 1 || prio.charAt(0) < '0' || prio.charAt(0) > '7'))) {
            return Optional.empty();
        }
        long rate = rateBits / 8;
        long ceil = ceilBits / 8;
        if (rate == 0 || ceil == 0) {
            return Optional.empty();
        }
        long b = burst >= 0 ? burst : rate / clock.hz() + MTU;
        long cb = cburst >= 0 ? cburst : ceil / clock.hz() + MTU;
        ByteBuffer opt = buffer(44);
        ratespec(opt, rate);
        ratespec(opt, ceil);
        opt.putInt((int) clock.ticks(rate, b)).putInt((int) clock.ticks(ceil, cb)).putInt(0).putInt(0)
                .putInt(prio == null ? 0 : prio.charAt(0) - '0');
        byte[] o = concat(rate >= FOUR_G ? attr(TCA_HTB_RATE64, buffer(8).putLong(rate).array()) : new byte[0],
                ceil >= FOUR_G ? attr(TCA_HTB_CEIL64, buffer(8).putLong(ceil).array()) : new byte[0],
                attr(TCA_HTB_PARMS, opt.array()));
        return Optional.of(new TcRequest(RTM_NEWTCLASS, NLM_F_CREATE, dev, handle(classid), handle(parent), o, "htb"));
    }

    /** {@code class del dev DEV classid CLASSID}. */
    public static Optional<TcRequest> deleteClass(String dev, String classid) {
        if (!device(dev) || !handleText(classid)) {
            return Optional.empty();
        }
        return Optional.of(new TcRequest(RTM_DELTCLASS, 0, dev, handle(classid), 0, null, null));
    }

    /** What DEV matches: 1..15 of {@code [A-Za-z0-9_.@-]}. */
    private static boolean device(String dev) {
        if (dev == null || dev.isEmpty() || dev.length() > 15) {
            return false;
        }
        for (int i = 0; i < dev.length(); i++) {
            char c = dev.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '@'
                    || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** What H matches: 1..4 lower-case hex digits, a colon, 0..4 more. */
    private static boolean handleText(String text) {
        if (text == null) {
            return false;
        }
        int colon = text.indexOf(':');
        return colon > 0 && hex(text.substring(0, colon), 1, 4) && hex(text.substring(colon + 1), 0, 4);
    }

    private static boolean hex(String s, int min, int max) {
        if (s.length() < min || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** A size a line carries: 1..10 decimal digits. */
    private static boolean size(long bytes) {
        return bytes >= 0 && bytes < 10_000_000_000L;
    }

    /** The message body ({@code struct tcmsg} and attributes) for the device of this index. */
    public byte[] body(int index) {
        ByteBuffer tcmsg = buffer(20).put((byte) 0).put((byte) 0).putShort((short) 0).putInt(index).putInt(handle).putInt(parent)
                .putInt(0);
        if (kind == null) {
            return tcmsg.array();
        }
        return concat(tcmsg.array(), attr(TCA_KIND, (kind + "\0").getBytes(StandardCharsets.US_ASCII)),
                attr(TCA_OPTIONS, options));
    }

    /** {@code struct tc_ratespec} for {@code bytesPerSecond}: what tc_calc_rtable leaves in it for MTU 1600. */
    private static void ratespec(ByteBuffer b, long bytesPerSecond) {
        b.put((byte) 3).put((byte) LINKLAYER_ETHERNET).putShort((short) 0).putShort((short) -1).putShort((short) 0)
                .putInt((int) Math.min(bytesPerSecond, 0xffffffffL));
    }

    /** "1:", "1:2", "10:" as tc reads them: hex major and minor. */
    static int handle(String text) {
        int colon = text.indexOf(':');
        int major = Integer.parseInt(text.substring(0, colon), 16);
        String minor = text.substring(colon + 1);
        return (major << 16) | (minor.isEmpty() ? 0 : Integer.parseInt(minor, 16));
    }

    private static ByteBuffer buffer(int size) {
        return Frames.order(ByteBuffer.allocate(size));
    }

    /**
     * The packet scheduler's clock as {@code /proc/net/psched} states it (tc's tc_core_init and get_hz):
     * microseconds to ticks, and HZ for default buckets.
     */
    public record Clock(double ticksPerMicrosecond, long hz) {
        /** The clock of this kernel. */
        public static Clock read() {
            try {
                String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/net/psched")).strip().split("\\s+");
                return parse(List.of(f));
            } catch (java.io.IOException | RuntimeException e) {
                throw new NetlinkException("cannot read /proc/net/psched: " + e);
            }
        }

        static Clock parse(List<String> fields) {
            long t2us = Long.parseLong(fields.get(0), 16);
            long us2t = Long.parseLong(fields.get(1), 16);
            long res = Long.parseLong(fields.get(2), 16);
            long hzField = Long.parseLong(fields.get(3), 16);
            if (res == 1_000_000_000L) {
                t2us = us2t;
            }
            return new Clock((double) t2us / us2t * (res / 1e6), res == 1_000_000 ? hzField : 100);
        }

        /**
         * The time to send {@code bytes} at {@code bytesPerSecond}, in ticks, as tc_calc_xmittime has it: whole
         * microseconds first, then whole ticks (the kernel keeps what it is given, so the same rounding gives
         * the same class).
         */
        long ticks(long bytesPerSecond, long bytes) {
            long micros = (long) (1e6 * ((double) bytes / (double) bytesPerSecond));
            return (long) (micros * ticksPerMicrosecond);
        }
    }
}
