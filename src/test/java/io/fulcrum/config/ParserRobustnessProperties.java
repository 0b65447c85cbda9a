package io.fulcrum.config;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/** Whatever is done to a file, parsing reports diagnostics and never throws. */
class ParserRobustnessProperties {

    private static final String EXAMPLE = ConfigTexts.resource("piranha-example.lvs.cf");

    @Test
    void mangledFilesGiveDiagnosticsNotExceptions() {
        qt().withExamples(400).forAll(mangled()).checkAssert(text -> {
            ConfigResult result = LvsConfig.parse("mangled.cf", text);
            assertThat(result.config().isPresent()).isEqualTo(result.errors().isEmpty());
            assertThat(result.errors()).allSatisfy(d -> assertThat(d.line()).isBetween(0, (int) text.lines().count()));
            result.config().ifPresent(config -> assertThat(LvsConfig.parse("again.cf", LvsConfig.write(config)).config())
                    .contains(config));
        });
    }

    /** The Piranha example with a few spans replaced by lvs.cf-flavoured noise. */
    private static Gen<String> mangled() {
        Gen<String> noise = Generate.oneOf(
                RoundTripProperties.strings("{}=#\"'\\ \t\n\r0123456789.:/abcxyz-_,[]", 0, 8),
                Generate.pick(List.of("virtual x {", "server s {", "}", "failover f {", "port = 0x", "= =", "\"", "::",
                        "address = 1.2.3.4 eth0:9", "active = 1", "fwmark = 80", "scheduler = mh", "check = http",
                        "persistent = 0", "pmask = /0", "sorry_server = [::1]:", "weight = 65536", "vip_nmask = 64")));
        Gen<Edit> edit = integers().between(0, EXAMPLE.length()).zip(integers().between(0, 12), noise, Edit::new);
        return lists().of(edit).ofSizeBetween(1, 6).map(ParserRobustnessProperties::apply);
    }

    private static String apply(List<Edit> edits) {
        String text = EXAMPLE;
        for (Edit edit : edits) {
            int at = Math.min(edit.at(), text.length());
            int end = Math.min(text.length(), at + edit.length());
            text = text.substring(0, at) + edit.insert() + text.substring(end);
        }
        return text;
    }

    private record Edit(int at, int length, String insert) {
    }
}
