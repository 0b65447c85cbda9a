package io.fulcrum.ha;

/** A router's place in the pair, fixed by the address it holds (pulse: master or backup). */
public enum RouterRole { PRIMARY, BACKUP }
