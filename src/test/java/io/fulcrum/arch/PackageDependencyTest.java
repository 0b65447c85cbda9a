package io.fulcrum.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Keeps the package arrows of shared/design.md true: each package uses only those listed. */
class PackageDependencyTest {

    private static final String ROOT = "io.fulcrum.";

    /** Package -> the Fulcrum packages it may use (besides itself). */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("model", Set.of()),
            Map.entry("config", Set.of("model")),
            Map.entry("schedule", Set.of("model")),
            Map.entry("table", Set.of("model", "schedule")),
            Map.entry("health", Set.of("model", "table")),
            Map.entry("proxy", Set.of("model", "schedule", "table")),
            Map.entry("nft", Set.of("model", "table", "net")),
            Map.entry("ha", Set.of("model", "net")),
            Map.entry("net", Set.of()),
            Map.entry("admin", Set.of("model", "table", "config")),
            Map.entry("cli", Set.copyOf(List.of(
                    "model", "config", "schedule", "table", "health", "proxy", "nft", "ha", "net", "admin"))));

    /** Packages that may use nothing beyond the JDK. */
    private static final List<String> JDK_ONLY = List.of("model", "net");

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.fulcrum");
    }

    static Stream<Arguments> packages() {
        return ALLOWED.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0} uses only {1}")
    @MethodSource("packages")
    void packageUsesOnlyWhatTheDesignAllows(String pkg, Set<String> allowed) {
        String[] forbidden = ALLOWED.keySet().stream()
                .filter(other -> !other.equals(pkg) && !allowed.contains(other))
                .map(other -> ROOT + other + "..")
                .toArray(String[]::new);
        noClasses().that().resideInAPackage(ROOT + pkg + "..")
                .should().dependOnClassesThat().resideInAnyPackage(forbidden)
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void modelAndNetUseOnlyTheJdk() {
        for (String pkg : JDK_ONLY) {
            noClasses().that().resideInAPackage(ROOT + pkg + "..")
                    .should().dependOnClassesThat().resideOutsideOfPackages("java..", ROOT + pkg + "..")
                    .allowEmptyShould(true)
                    .check(classes);
        }
    }

    @Test
    void onlyNetUsesTheForeignFunctionApi() {
        noClasses().that().resideOutsideOfPackage(ROOT + "net..")
                .should().dependOnClassesThat().resideInAPackage("java.lang.foreign..")
                .check(classes);
    }

    @Test
    void everyProductionPackageIsInTheTable() {
        Set<String> known = ALLOWED.keySet();
        List<String> unknown = classes.stream()
                .map(c -> c.getPackageName().substring(ROOT.length()).split("\\.")[0])
                .distinct()
                .filter(p -> !known.contains(p))
                .toList();
        org.assertj.core.api.Assertions.assertThat(unknown)
                .as("packages missing from the design table %s", Arrays.toString(known.toArray()))
                .isEmpty();
    }
}
