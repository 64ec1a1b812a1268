package io.netpersona.cli;

import io.netpersona.model.Persona;
import io.netpersona.model.PersonaBlend;
import io.netpersona.model.PersonaCodec;
import io.netpersona.model.PersonaValidator;
import io.netpersona.model.Problem;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "blend",
        description = {"Print the persona a fraction W of the way from A to B, as a migration uses it.",
            "Numbers interpolate (integers and units rounded), choices switch to B at W >= 0.5, and while "
                + "0 < W < 1 the firewall allows the union of both allowlists and keeps both sides' dependencies.",
            ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  persona blend site-a.yaml site-b.yaml --weight 0.25",
            "  persona blend site-a.yaml site-b.yaml -w 0.5 -o json > halfway.json",
            "",
            "Exit 0 with the blended persona on standard output, 1 when a file is invalid, 2 for a bad weight."
        },
        mixinStandardHelpOptions = true)
final class BlendCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "A", description = "The persona at weight 0 (file, or - for standard input).")
    String a;

    @Parameters(index = "1", paramLabel = "B", description = "The persona at weight 1.")
    String b;

    @Option(names = {"-w", "--weight"}, required = true, paramLabel = "W",
            description = "How far from A to B, 0..1 (0 gives A, 1 gives B).")
    double weight;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "yaml",
            description = "yaml (default) or json.")
    YamlOrJson output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (!(weight >= 0 && weight <= 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--weight: " + weight + " (expected: 0..1)");
        }
        Documents.Loaded from = Documents.load(a);
        Documents.Loaded to = Documents.load(b);
        PrintWriter err = spec.commandLine().getErr();
        if (!from.valid() || !to.valid()) {
            from.problemLines().forEach(err::println);
            to.problemLines().forEach(err::println);
            err.flush();
            return Main.FAILED;
        }
        Persona blended = PersonaBlend.blend(from.persona(), to.persona(), weight);
        List<Problem> problems = PersonaValidator.validate(blended);
        if (!problems.isEmpty()) {
            // blending valid personas must give a valid one; say so rather than print something unusable
            err.println("persona: the blend at weight " + weight + " is not a valid persona (a bug, please report):");
            problems.forEach(p -> err.println("  " + p));
            err.flush();
            return Main.FAILED;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(PersonaCodec.write(blended, output.format()));
        out.flush();
        return Main.OK;
    }
}
