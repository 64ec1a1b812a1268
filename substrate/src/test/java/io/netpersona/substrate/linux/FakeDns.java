package io.netpersona.substrate.linux;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * A DNS server that answers every A query with one address, for tests: run inside a namespace with
 * {@code ip netns exec NS java -cp ... FakeDns LISTEN_ADDR ANSWER SECONDS}. Exits after SECONDS.
 */
public final class FakeDns {
    public static void main(String[] args) throws Exception {
        InetAddress answer = InetAddress.ofLiteral(args[1]);
        long until = System.currentTimeMillis() + Long.parseLong(args[2]) * 1000;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.ofLiteral(args[0]), 53))) {
            System.out.println("ready");
            System.out.flush();
            s.setSoTimeout(200);
            byte[] buf = new byte[512];
            while (System.currentTimeMillis() < until) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(p);
                } catch (java.net.SocketTimeoutException e) {
                    continue;
                }
                byte[] reply = reply(ByteBuffer.wrap(p.getData(), 0, p.getLength()), answer.getAddress());
                s.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
            }
        }
    }

    static byte[] reply(ByteBuffer q, byte[] a) {
        int len = q.remaining();
        byte[] query = new byte[len];
        q.get(query);
        // the question ends after the name's zero byte and 4 bytes of type and class
        int end = 12;
        while (query[end] != 0) {
            end += (query[end] & 0xff) + 1;
        }
        end += 5;
        int qtype = ((query[end - 4] & 0xff) << 8) | (query[end - 3] & 0xff);
        boolean isA = qtype == 1;
        ByteBuffer r = ByteBuffer.allocate(end + 16);
        r.put(query, 0, 2);                       // id
        r.putShort((short) 0x8180);               // response, recursion available, no error
        r.putShort((short) 1);                    // one question
        r.putShort((short) (isA ? 1 : 0));        // answers
        r.putShort((short) 0).putShort((short) 0);
        r.put(query, 12, end - 12);               // the question again
        if (isA) {
            r.putShort((short) 0xc00c).putShort((short) 1).putShort((short) 1).putInt(60).putShort((short) 4).put(a);
        }
        byte[] out = new byte[r.position()];
        r.flip().get(out);
        return out;
    }
}
