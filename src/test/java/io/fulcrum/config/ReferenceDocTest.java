package io.fulcrum.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/lvs.cf.md documents every key the parser accepts, in the section of its scope. */
class ReferenceDocTest {

    @ParameterizedTest
    @EnumSource(Scope.Kind.class)
    void everyKeyIsInItsTable(Scope.Kind kind) throws IOException {
        String doc = Files.readString(Path.of("docs/lvs.cf.md"));
        String heading = switch (kind) {
            case GLOBAL -> "## Global keys";
            case VIRTUAL -> "## Virtual server keys";
            case SERVER -> "## Real server keys";
            case FAILOVER -> "## Failover service keys";
        };
        int start = doc.indexOf(heading);
        assertThat(start).as(heading).isNotNegative();
        int end = doc.indexOf("\n## ", start + heading.length());
        String section = doc.substring(start, end);
        assertThat(Keys.of(kind).keySet()).allSatisfy(key -> assertThat(section).contains("`" + key + "`"));
    }
}
