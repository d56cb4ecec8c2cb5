package com.oversoc.mesh.node.netlab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Java main class to run as its own process, on the class path of the running tests (under
 * surefire that is its manifest-only jar, which {@code -cp} reads like any jar).
 */
public record JavaMain(Class<?> mainClass, List<String> jvmOptions, List<String> arguments) {
  public JavaMain {
    jvmOptions = List.copyOf(jvmOptions);
    arguments = List.copyOf(arguments);
  }

  public static JavaMain of(Class<?> mainClass, String... arguments) {
    return new JavaMain(mainClass, List.of(), List.of(arguments));
  }

  /**
   * A small, short-lived helper process (a traffic probe, an HTTP client): it starts fast and
   * takes little of the two shared cores.
   */
  public JavaMain small() {
    return withJvmOptions("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m");
  }

  public JavaMain withJvmOptions(String... options) {
    return new JavaMain(mainClass, List.of(options), arguments);
  }

  /** {@code java [options] -cp CLASSPATH MAIN [arguments]}, with the java that runs this JVM. */
  public List<String> command() {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(arguments);
    return command;
  }
}
