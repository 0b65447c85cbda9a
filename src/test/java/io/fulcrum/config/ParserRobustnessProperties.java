package io.fulcrum.config;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Whatever is done to a file, parsing reports diagnostics and never throws. */
class ParserRobustnessProperties {

    private static final String EXAMPLE = ConfigTexts.resource("piranha-example.lvs.cf");

    @Property(tries = 400)
    void mangledFilesGiveDiagnosticsNotExceptions(@ForAll("mangled") String text) {
        ConfigResult result = LvsConfig.parse("mangled.cf", text);
        assertThat(result.config().isPresent()).isEqualTo(result.errors().isEmpty());
        assertThat(result.errors()).allSatisfy(d -> assertThat(d.line()).isBetween(0, (int) text.lines().count()));
        result.config().ifPresent(config -> assertThat(LvsConfig.parse("again.cf", LvsConfig.write(config)).config())
                .contains(config));
    }

    /** The Piranha example with a few spans replaced by lvs.cf-flavoured noise. */
    @Provide
    Arbitrary<String> mangled() {
        Arbitrary<String> noise = Arbitraries.oneOf(
                Arbitraries.strings().withChars("{}=#\"'\\ \t\n\r0123456789.:/abcxyz-_,[]").ofMaxLength(8),
                Arbitraries.of("virtual x {", "server s {", "}", "failover f {", "port = 0x", "= =", "\"", "::",
                        "address = 1.2.3.4 eth0:9", "active = 1", "fwmark = 80", "scheduler = mh", "check = http",
                        "persistent = 0", "pmask = /0", "sorry_server = [::1]:", "weight = 65536", "vip_nmask = 64"));
        Arbitrary<Edit> edit = Combinators.combine(Arbitraries.integers().between(0, EXAMPLE.length()),
                Arbitraries.integers().between(0, 12), noise).as(Edit::new);
        return edit.list().ofMinSize(1).ofMaxSize(6).map(ParserRobustnessProperties::apply);
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
