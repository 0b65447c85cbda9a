package io.fulcrum.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the version Maven wrote into the jar's manifest. */
final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return new String[] {"fulcrum " + (version == null ? "(development build)" : version)
                + " on Java " + Runtime.version()};
    }
}
