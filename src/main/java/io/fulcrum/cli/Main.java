package io.fulcrum.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fulcrum} command: one entry point, one subcommand per task. */
@Command(
        name = "fulcrum",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Fulcrum: a highly available layer-4 load balancer (LVS/Piranha compatible).",
        subcommands = {CheckCommand.class, RunCommand.class, StatusCommand.class, ReloadCommand.class, PasswdCommand.class,
                DemoCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler(Main::reportFailure);
    }

    /**
     * A command that fails for a reason the user can act on (a port in use, a file that cannot be
     * written, another daemon running) says so in one line instead of a stack trace.
     */
    private static int reportFailure(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        cli.getErr().println("fulcrum " + cli.getCommandName() + ": " + message(e));
        if (Boolean.getBoolean("fulcrum.debug")) {
            e.printStackTrace(cli.getErr());
        }
        return 1;
    }

    private static String message(Throwable e) {
        String text = e.getMessage() == null ? e.toString() : e.getMessage();
        Throwable cause = e.getCause();
        return cause != null && cause.getMessage() != null && !text.contains(cause.getMessage())
                ? text + ": " + cause.getMessage() : text;
    }
}
