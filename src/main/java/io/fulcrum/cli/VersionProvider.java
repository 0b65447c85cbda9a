package io.fulcrum.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the version Maven wrote into the jar's manifest. */
final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"fulcrum " + version() + " on Java " + Runtime.version()};
    }

    static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }
}
