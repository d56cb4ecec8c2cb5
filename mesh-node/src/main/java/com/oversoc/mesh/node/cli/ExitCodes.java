package com.oversoc.mesh.node.cli;

/** Process exit codes of {@code ovsgw}; scripts and systemd units rely on them. */
public final class ExitCodes {
  /** Success. */
  public static final int OK = 0;
  /** The role failed at run time (port taken, lost its store, ...). */
  public static final int FAILURE = 1;
  /** Bad command line or bad configuration: fix the input and retry. */
  public static final int USAGE = 2;

  private ExitCodes() {}
}
