package io.fulcrum.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceNamesTest {

    @Test
    void readsTcpNamesAndAliasesOnly() {
        String services = """
                # Network services
                smtp		25/tcp		mail
                domain		53/udp
                http		80/tcp		www		# WorldWideWeb HTTP
                broken		x/tcp
                """;
        assertThat(ServiceNames.parse(services))
                .containsEntry("smtp", 25).containsEntry("mail", 25)
                .containsEntry("http", 80).containsEntry("www", 80)
                .doesNotContainKeys("domain", "broken", "#");
    }
}
