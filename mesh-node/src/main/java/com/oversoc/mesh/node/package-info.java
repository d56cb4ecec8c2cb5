/**
 * The {@code ovsgw} binary: command line, configuration, logging, and the launch of whichever
 * role the configuration names. The role implementations live in the library modules; this
 * package wires them to a file on disk and a process.
 */
package com.oversoc.mesh.node;
