package io.netpersona.cli;

import io.netpersona.model.PersonaCodec;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "validate",
        description = {"Check persona documents (YAML or JSON) and list every problem of every file.", ""},
        footerHeading = "%nExamples:%n",
        footer = {
            "  persona validate arena.yaml",
            "  persona validate personas/*.yaml          all files; exit 1 if any is invalid",
            "  cat arena.json | persona validate -       read standard input",
            "  persona validate -o json arena.yaml       problems as JSON",
            "",
            "Exit 0 when every file is valid, 1 otherwise."
        },
        mixinStandardHelpOptions = true)
final class ValidateCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Persona files; - reads standard input.")
    List<String> files;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default) or json.")
    TextOrJson output;

    @Option(names = {"-q", "--quiet"}, description = "Print only problems, nothing for valid files.")
    boolean quiet;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Documents.Loaded> loaded = files.stream().map(Documents::load).toList();
        long invalid = loaded.stream().filter(l -> !l.valid()).count();
        if (output == TextOrJson.json) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            for (Documents.Loaded l : loaded) {
                ObjectNode o = array.addObject();
                o.put("file", l.name());
                o.put("valid", l.valid());
                ArrayNode problems = o.putArray("problems");
                l.problems().forEach(p -> {
                    ObjectNode po = problems.addObject();
                    po.put("path", p.path());
                    po.put("message", p.message());
                    if (p.hasLocation()) {
                        po.put("line", p.line());
                        po.put("column", p.column());
                    }
                    po.put("text", p.toString());
                });
            }
            out.print(PersonaCodec.write(array, PersonaCodec.Format.JSON));
        } else {
            for (Documents.Loaded l : loaded) {
                if (l.valid()) {
                    if (!quiet) {
                        out.println(l.name() + ": valid (" + l.persona().name() + ")");
                    }
                } else {
                    l.problemLines().forEach(out::println);
                }
            }
            if (invalid > 0 && loaded.size() > 1) {
                long problems = loaded.stream().mapToLong(l -> l.problems().size()).sum();
                out.println(invalid + " of " + loaded.size() + " files invalid, " + problems
                        + (problems == 1 ? " problem" : " problems"));
            }
        }
        out.flush();
        return invalid == 0 ? Main.OK : Main.FAILED;
    }
}
