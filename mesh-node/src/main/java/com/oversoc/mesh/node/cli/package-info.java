/** The {@code ovsgw} command line (picocli): subcommands, exit codes and the process entry point. */
package com.oversoc.mesh.node.cli;
