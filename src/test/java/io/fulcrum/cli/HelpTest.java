package io.fulcrum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code fulcrum --help} and each command's help: whole sentences, line breaks only between them. */
class HelpTest {

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ");
    }

    @Test
    void everySummaryIsAWholeSentenceAndEveryParagraphEndsOne() {
        CommandLine cli = Main.commandLine();
        String usage = oneLine(cli.getUsageMessage(CommandLine.Help.Ansi.OFF));
        for (CommandLine command : cli.getSubcommands().values()) {
            if (command.getCommandName().equals("help")) {
                continue;
            }
            String[] description = command.getCommandSpec().usageMessage().description();
            assertThat(description).as(command.getCommandName()).isNotEmpty()
                    .allSatisfy(paragraph -> assertThat(paragraph).as(command.getCommandName()).endsWith("."));
            assertThat(usage).as("the summary of %s in fulcrum --help", command.getCommandName())
                    .contains(command.getCommandName() + " " + description[0]);
            String own = oneLine(command.getUsageMessage(CommandLine.Help.Ansi.OFF));
            for (String paragraph : description) {
                assertThat(own).as("%s --help", command.getCommandName()).contains(paragraph);
            }
        }
    }
}
