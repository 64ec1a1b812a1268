package io.netpersona.lab.traffic;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/** The least DNS a lab application needs: a resolver that knows one A record, and a client that asks for it. */
final class Dns {
    private Dns() {
    }

    /** Answers A queries for {@code name} with {@code address} on the socket (udp/53) while {@code running}; other names get NXDOMAIN. */
    static void serve(DatagramSocket socket, String name, InetAddress address, BooleanSupplier running, AtomicLong answered) {
        try (DatagramSocket s = socket) {
            s.setSoTimeout(200);
            byte[] buf = new byte[512];
            while (running.getAsBoolean()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(p);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                byte[] reply = answer(Arrays.copyOf(buf, p.getLength()), name, address);
                if (reply != null) {
                    // counted before it leaves, so that whoever got the answer also sees it counted
                    answered.incrementAndGet();
                    s.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                }
            }
        } catch (IOException e) {
            System.err.println("dns: " + e.getMessage());
        }
    }

    static byte[] answer(byte[] query, String name, InetAddress address) {
        if (query.length < 17) {
            return null;
        }
        int end = 12;
        while (end < query.length && query[end] != 0) {
            end += (query[end] & 0xff) + 1;
        }
        int questionEnd = end + 5;
        if (questionEnd > query.length) {
            return null;
        }
        boolean known = name.equalsIgnoreCase(readName(query, 12));
        ByteBuffer b = ByteBuffer.allocate(questionEnd + 16);
        b.put(query, 0, 2).putShort((short) (known ? 0x8180 : 0x8183)).putShort((short) 1).putShort((short) (known ? 1 : 0))
                .putShort((short) 0).putShort((short) 0).put(query, 12, questionEnd - 12);
        if (known) {
            b.putShort((short) 0xc00c).putShort((short) 1).putShort((short) 1).putInt(60).putShort((short) 4)
                    .put(address.getAddress());
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    /** Asks {@code resolver} for the A record of {@code name}; null without an answer within a second. */
    static InetAddress ask(String name, InetAddress resolver) {
        return ask(name, resolver, 53);
    }

    static InetAddress ask(String name, InetAddress resolver, int port) {
        ByteArrayOutputStream q = new ByteArrayOutputStream();
        int id = ThreadLocalRandom.current().nextInt(0x10000);
        q.writeBytes(new byte[] {(byte) (id >> 8), (byte) id, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0});
        for (String label : name.split("\\.")) {
            byte[] l = label.getBytes(StandardCharsets.US_ASCII);
            q.write(l.length);
            q.writeBytes(l);
        }
        q.writeBytes(new byte[] {0, 0, 1, 0, 1});
        byte[] query = q.toByteArray();
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(1000);
            s.send(new DatagramPacket(query, query.length, resolver, port));
            byte[] buf = new byte[512];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            int n = p.getLength();
            boolean ours = buf[0] == query[0] && buf[1] == query[1];
            if (!ours || n < query.length + 16 || (buf[3] & 0x0f) != 0) {
                return null;
            }
            return InetAddress.getByAddress(Arrays.copyOfRange(buf, n - 4, n));
        } catch (IOException e) {
            return null;
        }
    }

    private static String readName(byte[] m, int at) {
        StringBuilder s = new StringBuilder();
        while (at < m.length && m[at] != 0) {
            int len = m[at] & 0xff;
            if (at + 1 + len > m.length) {
                return "";
            }
            if (!s.isEmpty()) {
                s.append('.');
            }
            s.append(new String(m, at + 1, len, StandardCharsets.US_ASCII));
            at += len + 1;
        }
        return s.toString();
    }
}
