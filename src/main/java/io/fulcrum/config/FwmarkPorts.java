package io.fulcrum.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code fwmark_ports}: the ports one firewall mark groups, as single ports (numbers or service
 * names) and ranges such as {@code 30000-30999} (an FTP server's passive ports), blank or comma
 * separated. Each port is in the group once; port 0 is not a port a client can connect to.
 */
final class FwmarkPorts {

    private static final Pattern RANGE = Pattern.compile("\\d+-\\d+");

    private FwmarkPorts() {
    }

    static List<Integer> read(ValueReader value) throws BadValue {
        List<Integer> ports = new ArrayList<>();
        Map<Integer, String> givenBy = new HashMap<>();
        for (String text : value.list()) {
            int dash = text.indexOf('-');
            boolean range = RANGE.matcher(text).matches();
            int from = port(range ? text.substring(0, dash) : text);
            int to = range ? port(text.substring(dash + 1)) : from;
            if (to < from) {
                throw new BadValue("range `" + text + "` ends before it starts");
            }
            for (int port = from; port <= to; port++) {
                String first = givenBy.putIfAbsent(port, text);
                if (first != null) {
                    throw new BadValue(first.equals(text) ? "`" + text + "` is given twice"
                            : "`" + text + "` overlaps `" + first + "` (port " + port + ")");
                }
                ports.add(port);
            }
        }
        return ports;
    }

    private static int port(String text) throws BadValue {
        int port = ValueReader.port(text);
        if (port == 0) {
            throw new BadValue("port 0: a client cannot connect to it");
        }
        return port;
    }
}
