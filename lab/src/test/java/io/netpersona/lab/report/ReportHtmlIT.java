package io.netpersona.lab.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report page as a real browser (headless Chromium) parses and draws it. */
class ReportHtmlIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String HOSTILE = "game<script>alert(1)</script>";

    @BeforeAll
    static void browser() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
                "Chromium is not installed at " + CHROMIUM + " (Debian: apt-get install chromium); .ci/run installs it");
    }

    @Test
    void theBrowserParsesTheChartsAndTheNamesStayText(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("lab-report.html");
        ReportHtml.write(Reports.sample(HOSTILE), page);
        String dom = chromium(dir, "--dump-dom", page.toUri().toString());
        // one distribution (the game's; the backup measures no latency) and one chart per series
        assertThat(count(dom, "<svg")).isEqualTo(3);
        // three phases in the distribution, one line in each timeline
        assertThat(count(dom, "<polyline")).isEqualTo(5);
        assertThat(count(dom, "<script")).as("an application name must not become markup").isZero();
        assertThat(dom).contains("game&lt;script&gt;alert(1)&lt;/script&gt;");
        // the loss fault on the backup: its onset and the change that answered it, on the backup's timeline
        assertThat(count(dom, "class=\"marker\"")).isEqualTo(2);
        assertThat(dom).contains("<table id=\"phases\">", "<table id=\"events\">", "cubic -&gt; bbr");
    }

    @Test
    void theBrowserDrawsTheLinesAndTheMarkers(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("lab-report.html");
        ReportHtml.write(Reports.sample("game"), page);
        Path png = dir.resolve("shot.png");
        chromium(dir, "--screenshot=" + png, "--window-size=1600,2600", page.toUri().toString());
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as("a screenshot").isNotNull();
        // pixels in the colours of the first series and of a fault's onset marker
        assertThat(pixels(img, 0x1f77b4)).isGreaterThan(200);
        assertThat(pixels(img, 0xd62728)).isGreaterThan(50);
    }

    private static String chromium(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(dir, "profile")));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("chromium.out"), err = dir.resolve("chromium.err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 90 s: " + Files.readString(err));
        }
        assertThat(p.exitValue()).as("chromium exit; stderr: %s", Files.readString(err)).isZero();
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static int count(String s, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static int pixels(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int c = img.getRGB(x, y) & 0xffffff;
                if (Math.abs((c >> 16) - (rgb >> 16)) < 24 && Math.abs(((c >> 8) & 0xff) - ((rgb >> 8) & 0xff)) < 24
                        && Math.abs((c & 0xff) - (rgb & 0xff)) < 24) {
                    n++;
                }
            }
        }
        return n;
    }
}
