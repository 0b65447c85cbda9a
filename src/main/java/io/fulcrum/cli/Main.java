package io.fulcrum.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fulcrum} command: one entry point, one subcommand per task. */
@Command(
        name = "fulcrum",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Fulcrum: a highly available layer-4 load balancer (LVS/Piranha compatible).",
        subcommands = {CheckCommand.class, RunCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main());
    }
}
