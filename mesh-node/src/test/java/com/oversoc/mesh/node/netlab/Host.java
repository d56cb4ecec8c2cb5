package com.oversoc.mesh.node.netlab;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;

/**
 * A machine in the lab: its own network namespace with loopback up and one interface,
 * {@code eth0}, whose address has a default route to the network above it (the internet, or
 * the LAN of its {@link NatRouter}). Processes started here run in the namespace.
 */
public sealed class Host permits NatRouter {
  /** The interface every host and router has towards the network above it. */
  static final String UPLINK = "eth0";
  /** How long {@link #exec} waits for a command before killing it. */
  public static final Duration EXEC_TIMEOUT = Duration.ofSeconds(30);

  private final NetLab lab;
  private final String name;
  private final Namespace namespace;
  private final Inet4Address address;
  private final Faults faults;

  Host(NetLab lab, String name, Namespace namespace, Inet4Address address, Faults faults) {
    this.lab = lab;
    this.name = name;
    this.namespace = namespace;
    this.address = address;
    this.faults = faults;
  }

  /** The name the test gave it. */
  public String name() {
    return name;
  }

  /** The network namespace's name, for {@code ip netns exec} by hand. */
  public String namespace() {
    return namespace.name();
  }

  /** Its address on {@code eth0}: public for a host on the internet, private behind a NAT router. */
  public Inet4Address address() {
    return address;
  }

  /** Faults on its link to the network above it. */
  public Faults faults() {
    return faults;
  }

  /** Runs a command in this host to its end (at most {@link #EXEC_TIMEOUT}), with empty input. */
  public ExecResult exec(String... command) {
    lab.requireOpen();
    return namespace.exec(List.of(command), EXEC_TIMEOUT);
  }

  /**
   * Starts a command in this host; its stdout and stderr go to {@code HOST.NAME.out} and
   * {@code .err} in the lab's log directory, its stdin is empty. The lab stops it when it closes.
   */
  public LabProcess start(String processName, String... command) {
    return start(processName, List.of(command));
  }

  public LabProcess start(String processName, List<String> command) {
    return lab.startProcess(this, processName, command);
  }

  /** Starts a Java main class in this host with the test class path ({@link JavaMain#command()}). */
  public LabProcess startJava(String processName, JavaMain main) {
    return start(processName, main.command());
  }

  NetLab lab() {
    return lab;
  }

  Namespace ns() {
    return namespace;
  }

  @Override
  public String toString() {
    return name + " (" + address.getHostAddress() + ", namespace " + namespace.name() + ")";
  }
}
