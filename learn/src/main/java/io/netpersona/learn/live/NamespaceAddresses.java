package io.netpersona.learn.live;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The addresses a network namespace's application is reached at: every global address of its interfaces, as
 * {@code ip -n NS -o addr show} lists them; loopback and link-local addresses are left out (nothing outside
 * the host or the link reaches the application there).
 */
public final class NamespaceAddresses {
    private static final Pattern ADDRESS = Pattern.compile("\\binet6? ([0-9A-Fa-f:.]+)/\\d+ .*?\\bscope (\\w+)");

    private NamespaceAddresses() {
    }

    /** @throws LiveCaptureException when ip is missing, the namespace is not there, or ip fails */
    public static List<InetAddress> read(CaptureTarget target) {
        if (target.netns() == null) {
            throw new IllegalArgumentException("a namespace is needed to read its addresses");
        }
        target.checkExists(CaptureTarget.NETNS_DIR);
        Path ip = LiveCapture.find("ip").orElseThrow(() -> new LiveCaptureException(
                "ip (iproute2) is not installed (on Debian: apt-get install iproute2)"));
        List<String> argv = List.of(ip.toString(), "-n", target.netns(), "-o", "addr", "show");
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new LiveCaptureException(String.join(" ", argv) + " did not answer within 10 s");
            }
            if (p.exitValue() != 0) {
                throw new LiveCaptureException(String.join(" ", argv) + " failed (exit " + p.exitValue() + "): " + out.strip());
            }
            return parse(out);
        } catch (IOException e) {
            throw new LiveCaptureException("cannot run " + String.join(" ", argv) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LiveCaptureException("interrupted while reading the addresses of " + target.netns(), e);
        }
    }

    static List<InetAddress> parse(String ipOutput) {
        List<InetAddress> out = new ArrayList<>();
        for (String line : ipOutput.split("\n")) {
            Matcher m = ADDRESS.matcher(line);
            if (m.find() && !m.group(2).equals("host") && !m.group(2).equals("link")) {
                InetAddress a = InetAddress.ofLiteral(m.group(1));
                if (!a.isLoopbackAddress() && !a.isLinkLocalAddress() && !out.contains(a)) {
                    out.add(a);
                }
            }
        }
        return out;
    }
}
