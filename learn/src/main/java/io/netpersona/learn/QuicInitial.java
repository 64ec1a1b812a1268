package io.netpersona.learn;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.BitSet;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The TLS ClientHello inside a client's QUIC Initial packets, for its SNI. Initial packets are protected with
 * keys anyone can derive from the packet's destination connection id and a salt published for each QUIC
 * version (RFC 9001 section 5.2, RFC 9369 for version 2), so the hello can be read as a TLS one can. The
 * hello may fill several packets, its CRYPTO frames in any order: they are gathered until it is whole, for
 * at most {@link #MAX_PACKETS} packets and {@link #MAX_BYTES} bytes.
 */
final class QuicInitial {
    static final int MAX_PACKETS = 4, MAX_BYTES = 8 * 1024;
    private static final byte[] SALT_V1 = hex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a"),
            SALT_V2 = hex("0dede3def700a6db819381be6e269dcbf9bd2ed9"),
            SALT_DRAFT29 = hex("afbfec289993d24c9e9786f19c6111e04390a899");
    private static final int V2 = 0x6b3343cf;

    /** The hello's bytes so far, grown as CRYPTO frames reach further (a typical hello needs 300 to 2,000). */
    private byte[] crypto = new byte[0];
    private final BitSet filled = new BitSet();
    private SecretKeySpec key, hp;
    private byte[] iv;
    private int packets;

    /**
     * The JCA objects, one set per thread and reused (each init resets them): looking them up by name cost more
     * than a packet's decryption, for every Initial packet and every key derived.
     */
    private static final class Jca {
        final Cipher ecb, gcm;
        final Mac hmac;
        /** HKDF-Extract's MAC keyed with each version's salt, kept keyed: the salt is the same for every flow. */
        private final java.util.Map<byte[], Mac> extracts = new java.util.IdentityHashMap<>();

        Jca() throws GeneralSecurityException {
            ecb = Cipher.getInstance("AES/ECB/NoPadding");
            gcm = Cipher.getInstance("AES/GCM/NoPadding");
            hmac = Mac.getInstance("HmacSHA256");
        }

        byte[] extract(byte[] salt, byte[] ikm) throws GeneralSecurityException {
            Mac mac = extracts.get(salt);
            if (mac == null) {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(salt, "HmacSHA256"));
                extracts.put(salt, mac);
            }
            return mac.doFinal(ikm);
        }
    }

    private static final ThreadLocal<Jca> JCA = new ThreadLocal<>();

    private static Jca jca() throws GeneralSecurityException {
        Jca j = JCA.get();
        if (j == null) {
            j = new Jca();
            JCA.set(j);
        }
        return j;
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }

    /** Whether the datagram starts with a long-header Initial packet of a QUIC version whose salt is known. */
    static boolean looksLikeInitial(ByteBuffer b, int off, int len) {
        if (len < 7 || (b.get(off) & 0xc0) != 0xc0) {
            return false;
        }
        return salt(u32(b, off + 1)) != null && ((b.get(off) >> 4) & 3) == (u32(b, off + 1) == V2 ? 1 : 0);
    }

    private static byte[] salt(int version) {
        if (version == 1) {
            return SALT_V1;
        }
        if (version == V2) {
            return SALT_V2;
        }
        return version >= 0xff00001d && version <= 0xff000020 ? SALT_DRAFT29 : null;
    }

    /**
     * Reads one client datagram: the SNI once the hello is whole, null when there is none or the packet cannot
     * be read (cut by the capture, not an Initial), {@link ServerNames#INCOMPLETE} while more is needed.
     */
    String add(ByteBuffer b, int off, int len) {
        if (++packets > MAX_PACKETS || !looksLikeInitial(b, off, len)) {
            return null;
        }
        try {
            byte[] plain = open(b, off, len);
            if (plain == null || !frames(plain)) {
                return null;
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            return null; // not a packet these keys open: no name, as for any other unreadable payload
        }
        int whole = filled.nextClearBit(0);
        if (whole < 4 || crypto[0] != 1) {
            return packets < MAX_PACKETS ? ServerNames.INCOMPLETE : null;
        }
        int helloLength = 4 + ((crypto[1] & 0xff) << 16 | (crypto[2] & 0xff) << 8 | (crypto[3] & 0xff));
        int have = Math.min(whole, helloLength);
        // the hello as a TLS record, so that the TLS reader finds its SNI
        ByteBuffer record = ByteBuffer.allocate(5 + have);
        record.put((byte) 0x16).put((byte) 3).put((byte) 1).putShort((short) Math.min(0xffff, helloLength))
                .put(crypto, 0, have).flip();
        String sni = ServerNames.tlsServerName(record, 0, record.limit());
        if (sni == ServerNames.INCOMPLETE && (packets >= MAX_PACKETS || helloLength > MAX_BYTES && have >= MAX_BYTES)) {
            return null;
        }
        return sni;
    }

    /**
     * The SNI of Google QUIC's plaintext client hello (versions Q046 and older): a public header with the
     * version flag and a version "Q0nn", then somewhere in the first packet's first stream frame the tag "CHLO",
     * a little-endian count of tags, and a table of tags with the end offsets of their values. Null when the
     * datagram is not such a hello or has no SNI tag.
     */
    static String googleHello(ByteBuffer b, int off, int len) {
        if (len < 32 || (b.get(off) & 0x81) != 0x01 || (b.get(off) & 0x08) == 0 || b.get(off + 9) != 'Q'
                || b.get(off + 10) != '0') {
            return null;
        }
        int end = off + len, chlo = -1;
        for (int i = off + 13; i + 4 <= Math.min(end, off + 96); i++) {
            if (b.get(i) == 'C' && b.get(i + 1) == 'H' && b.get(i + 2) == 'L' && b.get(i + 3) == 'O') {
                chlo = i;
                break;
            }
        }
        if (chlo < 0 || chlo + 8 > end) {
            return null;
        }
        int tags = (b.get(chlo + 4) & 0xff) | (b.get(chlo + 5) & 0xff) << 8;
        int table = chlo + 8, values = table + 8 * tags;
        if (tags > 64 || values > end) {
            return null;
        }
        int start = 0;
        for (int t = 0; t < tags; t++) {
            int at = table + 8 * t;
            int stop = (b.get(at + 4) & 0xff) | (b.get(at + 5) & 0xff) << 8 | (b.get(at + 6) & 0xff) << 16;
            if (b.get(at) == 'S' && b.get(at + 1) == 'N' && b.get(at + 2) == 'I' && b.get(at + 3) == 0) {
                int length = stop - start;
                if (length <= 0 || length > 255 || values + stop > end) {
                    return null;
                }
                byte[] name = new byte[length];
                b.get(values + start, name);
                String n = new String(name, StandardCharsets.US_ASCII);
                return n.chars().allMatch(c -> c > 0x20 && c < 0x7f) ? n : null;
            }
            start = stop;
        }
        return null;
    }

    /** Removes header protection and decrypts the packet's payload; null when the packet is cut short. */
    private byte[] open(ByteBuffer b, int off, int len) throws GeneralSecurityException {
        int end = off + len, p = off + 5;
        int dcidLength = b.get(p++) & 0xff;
        if (dcidLength > 20 || p + dcidLength + 1 > end) {
            return null;
        }
        byte[] dcid = new byte[dcidLength];
        b.get(p, dcid);
        p += dcidLength;
        p += 1 + (b.get(p) & 0xff);
        long[] v = new long[1];
        p = varint(b, p, end, v);
        if (p < 0 || (p += (int) Math.min(v[0], len)) > end) {
            return null;
        }
        p = varint(b, p, end, v);
        if (p < 0 || v[0] < 20 || p + v[0] > end) {
            return null;
        }
        int pnOffset = p, packetEnd = (int) (p + v[0]);
        Jca j = jca();
        if (key == null) {
            keys(j, u32(b, off + 1), dcid);
        }
        Cipher ecb = j.ecb;
        ecb.init(Cipher.ENCRYPT_MODE, hp);
        byte[] sample = new byte[16];
        b.get(pnOffset + 4, sample);
        byte[] mask = ecb.doFinal(sample);
        int first = (b.get(off) ^ (mask[0] & 0x0f)) & 0xff;
        int pnLength = (first & 3) + 1;
        byte[] header = new byte[pnOffset - off + pnLength];
        b.get(off, header);
        header[0] = (byte) first;
        byte[] nonce = iv.clone();
        for (int i = 0; i < pnLength; i++) {
            int at = pnOffset - off + i;
            header[at] ^= mask[1 + i];
            nonce[12 - pnLength + i] ^= header[at];
        }
        byte[] sealed = new byte[packetEnd - pnOffset - pnLength];
        b.get(pnOffset + pnLength, sealed);
        Cipher gcm = j.gcm;
        gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        gcm.updateAAD(header);
        return gcm.doFinal(sealed);
    }

    private void keys(Jca j, int version, byte[] dcid) throws GeneralSecurityException {
        boolean v2 = version == V2;
        byte[] initial = j.extract(salt(version), dcid);
        Mac mac = j.hmac;
        mac.init(new SecretKeySpec(initial, "HmacSHA256"));
        byte[] client = Arrays.copyOf(mac.doFinal(CLIENT_IN), 32);
        // one key for the three labels: a MAC keeps its key from one doFinal to the next
        mac.init(new SecretKeySpec(client, "HmacSHA256"));
        key = new SecretKeySpec(Arrays.copyOf(mac.doFinal(v2 ? KEY_V2 : KEY), 16), "AES");
        iv = Arrays.copyOf(mac.doFinal(v2 ? IV_V2 : IV), 12);
        hp = new SecretKeySpec(Arrays.copyOf(mac.doFinal(v2 ? HP_V2 : HP), 16), "AES");
    }

    /** The info of TLS 1.3's HKDF-Expand-Label with an empty context, for an output of one hash length at most. */
    private static byte[] label(String label, int length) {
        byte[] full = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
        byte[] info = new byte[2 + 1 + full.length + 1 + 1];
        info[0] = (byte) (length >> 8);
        info[1] = (byte) length;
        info[2] = (byte) full.length;
        System.arraycopy(full, 0, info, 3, full.length);
        info[info.length - 1] = 1; // the counter of HKDF-Expand's first block
        return info;
    }

    private static final byte[] CLIENT_IN = label("client in", 32), KEY = label("quic key", 16),
            IV = label("quic iv", 12), HP = label("quic hp", 16), KEY_V2 = label("quicv2 key", 16),
            IV_V2 = label("quicv2 iv", 12), HP_V2 = label("quicv2 hp", 16);

    /** Gathers the CRYPTO frames; false at a frame an Initial packet may not carry. */
    private boolean frames(byte[] plain) {
        ByteBuffer b = ByteBuffer.wrap(plain);
        int p = 0, end = plain.length;
        long[] v = new long[1];
        while (p < end) {
            int type = plain[p] & 0xff;
            if (type == 0 || type == 1) {
                p++;
                continue;
            }
            p++;
            if (type == 2 || type == 3) {
                int fields = 4;
                for (int i = 0; i < fields && p >= 0; i++) {
                    p = varint(b, p, end, v);
                    if (i == 2 && p >= 0) {
                        fields += 2 * (int) Math.min(v[0], 64);
                    }
                }
                if (type == 3) {
                    for (int i = 0; i < 3 && p >= 0; i++) {
                        p = varint(b, p, end, v);
                    }
                }
            } else if (type == 6) {
                p = varint(b, p, end, v);
                long offset = v[0];
                p = p < 0 ? p : varint(b, p, end, v);
                if (p < 0 || p + v[0] > end) {
                    return false;
                }
                int length = (int) v[0];
                if (offset < MAX_BYTES) {
                    int n = (int) Math.min(length, MAX_BYTES - offset);
                    if (offset + n > crypto.length) {
                        crypto = Arrays.copyOf(crypto, (int) Math.min(MAX_BYTES, Math.max(offset + n, 2L * crypto.length)));
                    }
                    System.arraycopy(plain, p, crypto, (int) offset, n);
                    filled.set((int) offset, (int) offset + n);
                }
                p += length;
            } else if (type == 0x1c) {
                return true; // the connection closes: nothing more to read
            } else {
                return filled.cardinality() > 0;
            }
            if (p < 0) {
                return false;
            }
        }
        return true;
    }

    private static int u32(ByteBuffer b, int at) {
        return (b.get(at) & 0xff) << 24 | (b.get(at + 1) & 0xff) << 16 | (b.get(at + 2) & 0xff) << 8 | (b.get(at + 3) & 0xff);
    }

    /** Reads a QUIC variable-length integer at {@code p} into {@code out[0]}; the next position, or -1. */
    private static int varint(ByteBuffer b, int p, int end, long[] out) {
        if (p < 0 || p >= end) {
            return -1;
        }
        int first = b.get(p) & 0xff, length = 1 << (first >> 6);
        if (p + length > end) {
            return -1;
        }
        long value = first & 0x3f;
        for (int i = 1; i < length; i++) {
            value = value << 8 | (b.get(p + i) & 0xff);
        }
        out[0] = value;
        return p + length;
    }
}
