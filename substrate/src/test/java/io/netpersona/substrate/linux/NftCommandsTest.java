package io.netpersona.substrate.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NftCommandsTest {
    @Test
    void aTableBecomesOneCommandPerObjectRuleAndElementListWithChainsBeforeRules() {
        String script = """
                add table inet netpersona-web
                delete table inet netpersona-web
                table inet netpersona-web {
                	counter rx {
                	}

                	set in_tcp {
                		type inet_service
                		flags interval
                		elements = { 80, 443 }
                	}

                	chain input {
                		type filter hook input priority filter; policy drop;
                		ct state established,related accept
                		tcp dport @in_tcp accept
                	}

                	chain refuse {
                		counter name "dropped"
                		drop
                	}
                }
                """;
        assertThat(NftCommands.split(script)).containsExactly(
                "add table inet netpersona-web",
                "delete table inet netpersona-web",
                "add table inet netpersona-web",
                "add counter inet netpersona-web rx",
                "add set inet netpersona-web in_tcp { type inet_service; flags interval; }",
                "add element inet netpersona-web in_tcp { 80, 443 }",
                "add chain inet netpersona-web input { type filter hook input priority filter; policy drop; }",
                "add chain inet netpersona-web refuse",
                "add rule inet netpersona-web input ct state established,related accept",
                "add rule inet netpersona-web input tcp dport @in_tcp accept",
                "add rule inet netpersona-web refuse counter name \"dropped\"",
                "add rule inet netpersona-web refuse drop");
    }

    @Test
    void theFirewallsOwnScriptSplitsWithoutLosingALine() throws IOException {
        String script;
        try (InputStream in = getClass().getResourceAsStream("arena-firewall.nft")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        var commands = NftCommands.split(script);
        long rules = script.lines().filter(l -> l.startsWith("\t\t") && !l.strip().startsWith("type ")
                && !l.strip().startsWith("flags ") && !l.strip().startsWith("elements") && !l.strip().startsWith("size ")).count();
        assertThat(commands.stream().filter(c -> c.startsWith("add rule "))).hasSize((int) rules);
        assertThat(commands).contains("add element inet netpersona-arena out_tcp4 { 10.201.2.2 . 5432 comment \"scores-db\" }");
    }
}
