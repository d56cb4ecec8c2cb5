package com.oversoc.mesh.node.netlab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One network namespace the lab created. Every command that configures or runs something goes
 * through here and is bound to this namespace ({@code ip -n NAME}, {@code ip netns exec NAME}),
 * so nothing the lab does can reach the root namespace's interfaces, routes or firewall.
 */
final class Namespace {
  private final String name;
  private final Commands commands;
  private final Preconditions.Tools tools;
  private int interfaces;

  Namespace(String name, Commands commands, Preconditions.Tools tools) {
    this.name = name;
    this.commands = commands;
    this.tools = tools;
  }

  String name() {
    return name;
  }

  /** A new interface name, unique in this namespace (interface names are at most 15 characters). */
  String nextInterfaceName() {
    return "v" + ++interfaces;
  }

  void ip(String... args) {
    commands.require(concat(List.of(tools.ip().toString(), "-n", name), args));
  }

  void tc(String... args) {
    commands.require(inside(concat(List.of(tools.tc().toString()), args)));
  }

  /** Applies iptables-restore input on top of the current rules (declaring a chain flushes it), atomically. */
  void iptablesRestore(String rules) {
    commands.require(inside(List.of(tools.iptablesRestore().toString(), "--noflush")), rules);
  }

  String iptablesOutput(String... args) {
    return commands.require(inside(concat(List.of(tools.iptables().toString(), "--wait"), args))).stdout();
  }

  /** Writes one file under /proc/sys/net, which is this namespace's own. */
  void sysctl(String key, String value) {
    String file = "/proc/sys/" + key.replace('.', '/');
    commands.require(inside(List.of("/bin/sh", "-c", "echo \"$1\" > \"$2\"", "sh", value, file)));
  }

  ExecResult exec(List<String> command, Duration timeout) {
    return commands.exec(inside(command), "", timeout);
  }

  /** The command line that runs this command in this namespace. */
  List<String> inside(List<String> command) {
    List<String> line = new ArrayList<>(List.of(tools.ip().toString(), "netns", "exec", name));
    line.addAll(command);
    return line;
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }

  @Override
  public String toString() {
    return name;
  }
}
