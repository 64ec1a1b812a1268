package io.netpersona.learn.classify;

import static io.netpersona.learn.classify.Payloads.guess;
import static io.netpersona.learn.classify.Payloads.sure;

/**
 * Text protocols recognised by the words they open with: request lines, status lines, greetings and
 * handshake strings, each as its specification or its reference implementation writes it.
 */
final class TextPayloads {
    private TextPayloads() {
    }

    /** Text protocols: requests, status lines and greetings. */
    static Signature of(Payloads.Head h) {
        if (h.startsAny("GNUTELLA", "GIV ", "GET /uri-res/", "GET /get/")) {
            return sure("Gnutella", "Download");
        }
        if (h.startsAny("M-SEARCH * ", "NOTIFY * HTTP") || (!h.tcp() && h.port(1900) && h.starts("HTTP/1."))) {
            return sure("SSDP", "System");
        }
        if (h.startsAny("INVITE sip:", "REGISTER sip:", "OPTIONS sip:", "SIP/2.0 ", "ACK sip:", "BYE sip:",
                "CANCEL sip:", "SUBSCRIBE sip:", "NOTIFY sip:", "MESSAGE sip:", "INFO sip:", "PRACK sip:",
                "PUBLISH sip:", "REFER sip:", "UPDATE sip:")) {
            return sure("SIP", "VoIP");
        }
        if (h.startsAny("RTSP/1.", "DESCRIBE rtsp", "OPTIONS rtsp", "SETUP rtsp", "PLAY rtsp", "ANNOUNCE rtsp")) {
            return sure("RTSP", "Media");
        }
        if (h.startsAny("PROPFIND ", "PROPPATCH ", "MKCOL ", "COPY ", "MOVE ", "LOCK ", "UNLOCK ")) {
            return sure("HTTP.WebDAV", "Collaborative");
        }
        if (h.startsAny("CONNECT {", "INFO {")) {
            return sure("Nats", "RPC");
        }
        if (h.starts("CONNECT ")) {
            return sure("HTTP_Connect", "Web");
        }
        if (!h.tcp() && h.startsAny("HTTP/1.", "NOTIFY ", "M-SEARCH ")) {
            return sure("SSDP", "System"); // HTTP over UDP is UPnP's discovery
        }
        if (h.startsAny("GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "PATCH ", "TRACE ", "HTTP/1.", "HTTP/2")) {
            return guess("HTTP", "Web");
        }
        if (h.starts("PRI * HTTP/2")) {
            return guess("HTTP2", "Web");
        }
        if (h.starts("SSH-")) {
            return sure("SSH", "RemoteAccess");
        }
        if (h.starts("RFB 0")) {
            return sure("VNC", "RemoteAccess");
        }
        if (h.starts("+OK") || (h.port(110) && h.startsAny("USER ", "CAPA", "STLS", "APOP "))) {
            return sure("POP3", "Email");
        }
        if (h.starts("* OK") || h.starts("* PREAUTH") || (h.port(143) && h.startsAny("a001 ", "A001 ", "1 CAPABILITY"))) {
            return sure("IMAP", "Email");
        }
        if (h.startsAny("EHLO ", "HELO ") || (h.starts("220") && h.port(25, 587, 465, 2525))) {
            return sure("SMTP", "Email");
        }
        if (h.starts("220") && h.port(21)) {
            return sure("FTP_CONTROL", "Download");
        }
        if (h.startsAny("NICK ", "PASS ", "CAP LS") && h.tcp() || (h.starts(":") && h.port(6667, 6697))) {
            return sure("IRC", "Chat");
        }
        if (h.startsAny("<?xml version", "<stream:stream") && h.port(5222, 5223, 5269)) {
            return sure("Jabber", "Web");
        }
        if (h.starts("8=FIX.") || h.starts("8=FIXT.")) {
            return sure("FIX", "RPC");
        }
        if (h.starts("AMQP")) {
            return sure("AMQP", "RPC");
        }
        if (h.startsAny("<stream:stream", "<iq type=", "<iq id=", "<presence", "<message to=", "<message from=")) {
            return sure("Jabber", "Web");
        }
        if (h.starts("# munin node at ")) {
            return sure("Munin", "System");
        }
        if (h.starts("ROUGHTIM")) {
            return sure("Roughtime", "System");
        }
        if (h.starts("{\"host_int\"") || (h.starts("{") && !h.tcp() && h.port(17500))) {
            return sure("Dropbox", "Cloud");
        }
        if (h.starts("ZBXD")) {
            return sure("Zabbix", "Network");
        }
        if (h.starts("BJNP")) {
            return sure("BJNP", "System");
        }
        if (h.starts("\u0013BitTorrent protocol") || h.starts("\u0013BitTorrent")) {
            return sure("BitTorrent", "Download");
        }
        if (h.startsAny("d1:ad2:id20:", "d1:rd2:id20:", "d1:ad", "d1:rd", "d1:q", "d1:t", "d1:y", "d2:ip")) {
            return sure("BitTorrent", "Download");
        }
        if (h.starts("<") && syslog(h)) {
            return sure("Syslog", "System");
        }
        if (h.startsAny("CONNECT\n", "STOMP\n", "SEND\n") && h.port(61613)) {
            return sure("STOMP", "RPC");
        }
        return null;
    }

    /** {@code <PRI>} with one to three digits: a syslog message's priority. */
    private static boolean syslog(Payloads.Head h) {
        int i = 1;
        while (i < 4 && h.at(i) >= '0' && h.at(i) <= '9') {
            i++;
        }
        return i > 1 && h.at(i) == '>' && (!h.tcp() || h.port(514, 601, 6514));
    }
}
