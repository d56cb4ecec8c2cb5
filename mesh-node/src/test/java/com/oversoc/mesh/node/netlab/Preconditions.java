package com.oversoc.mesh.node.netlab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What a lab needs from the machine: root, and the commands of iproute2 and iptables. When
 * something is missing the lab fails with one message that names the Debian package and says
 * that {@code .ci/run} installs it: these tests never skip, because CI must run them.
 */
public final class Preconditions {
  /** The commands the lab runs, each with the Debian package that has it. */
  private static final List<Requirement> LAB_COMMANDS = List.of(
      new Requirement("ip", "iproute2"),
      new Requirement("tc", "iproute2"),
      new Requirement("iptables", "iptables"),
      new Requirement("iptables-restore", "iptables"));
  /** Searched after PATH, since a non-login root shell may lack the sbin directories. */
  private static final List<String> SYSTEM_DIRECTORIES = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
      "/usr/bin", "/sbin", "/bin");

  private Preconditions() {
  }

  private record Requirement(String command, String debianPackage) {
  }

  /** Where the lab's commands are; found once, so that no command depends on a namespace's PATH. */
  record Tools(Path ip, Path tc, Path iptables, Path iptablesRestore) {
  }

  /** The commands the lab needs, or a {@link NetLabUnavailableException} naming everything that is missing. */
  static Tools check() {
    return check(effectiveUid(), Preconditions::locate);
  }

  static Tools check(long effectiveUid, Function<String, Optional<Path>> locate) {
    List<String> problems = new ArrayList<>();
    if (effectiveUid != 0) {
      problems.add("it needs root to create network namespaces (the effective uid is " + effectiveUid
          + "); run the tests as root, as .ci/run does");
    }
    Set<String> packages = new LinkedHashSet<>();
    List<String> missing = new ArrayList<>();
    for (Requirement r : LAB_COMMANDS) {
      if (locate.apply(r.command()).isEmpty()) {
        missing.add(r.command());
        packages.add(r.debianPackage());
      }
    }
    if (!missing.isEmpty()) {
      problems.add(missingMessage(missing, packages));
    }
    if (!problems.isEmpty()) {
      throw new NetLabUnavailableException("NetLab cannot run: " + String.join("; ", problems));
    }
    return new Tools(locate.apply("ip").orElseThrow(), locate.apply("tc").orElseThrow(),
        locate.apply("iptables").orElseThrow(), locate.apply("iptables-restore").orElseThrow());
  }

  /**
   * For the commands a test runs in its hosts (socat, ...): the command's path, or a
   * {@link NetLabUnavailableException} naming its Debian package.
   */
  public static Path requireCommand(String command, String debianPackage) {
    return locate(command).orElseThrow(() -> new NetLabUnavailableException(
        "NetLab test cannot run: " + missingMessage(List.of(command), Set.of(debianPackage))));
  }

  private static String missingMessage(List<String> commands, Set<String> packages) {
    String plural = commands.size() == 1 ? "the command " : "the commands ";
    String packageList = String.join(" ", packages);
    return "it needs " + plural + String.join(", ", commands) + " from the Debian package"
        + (packages.size() == 1 ? " " : "s ") + packageList + ", which .ci/run installs (here: apt-get install "
        + packageList + ")";
  }

  static Optional<Path> locate(String command) {
    Set<String> directories = new LinkedHashSet<>();
    String path = System.getenv("PATH");
    if (path != null) {
      directories.addAll(List.of(path.split(":")));
    }
    directories.addAll(SYSTEM_DIRECTORIES);
    return directories.stream()
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, command))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** The effective uid from /proc (Linux only, as the lab is); -1 if it cannot be read. */
  static long effectiveUid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return Long.parseLong(line.substring(4).strip().split("\\s+")[1]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
