package io.netpersona.cli;

import io.netpersona.model.Change;
import io.netpersona.model.PersonaCodec;
import io.netpersona.model.PersonaDiff;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "diff",
        description = {"Show the changes that turn persona A into persona B, field by field. Allow rules are "
                + "compared as a set and dependencies by name, so reordering them is no change.", ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  persona diff arena-v3.yaml arena-v4.yaml",
            "      ~ spec.qos.ceilRate: 20Mbit -> 30Mbit      changed",
            "      + spec.mtu: 1400                           added",
            "      - spec.tcp.congestionControl: bbr          removed",
            "  persona diff -o json a.yaml b.yaml            [{path, op, old, new}, ...]",
            "",
            "Exit 0 when the personas are equal, 3 when they differ, 1 when a file is invalid (like diff(1))."
        },
        mixinStandardHelpOptions = true)
final class DiffCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "A", description = "The persona before (file, or - for standard input).")
    String a;

    @Parameters(index = "1", paramLabel = "B", description = "The persona after.")
    String b;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default) or json.")
    TextOrJson output;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Documents.Loaded before = Documents.load(a);
        Documents.Loaded after = Documents.load(b);
        if (!before.valid() || !after.valid()) {
            PrintWriter err = spec.commandLine().getErr();
            before.problemLines().forEach(err::println);
            after.problemLines().forEach(err::println);
            err.flush();
            return Main.FAILED;
        }
        List<Change> changes = PersonaDiff.diff(before.persona(), after.persona());
        if (output == TextOrJson.json) {
            out.print(PersonaCodec.write(PersonaDiff.toTree(changes), PersonaCodec.Format.JSON));
        } else {
            changes.forEach(c -> out.println(c));
        }
        out.flush();
        return changes.isEmpty() ? Main.OK : Main.DIFFERENT;
    }
}
