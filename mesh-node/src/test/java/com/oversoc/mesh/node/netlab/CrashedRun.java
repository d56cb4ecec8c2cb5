package com.oversoc.mesh.node.netlab;

/**
 * A lab run that crashes: it makes a host, starts a process in it and prints
 * {@code ready NAMESPACE PID}, then waits to be killed with SIGKILL, so that neither its close
 * nor its shutdown hook runs. {@link NetLabTest} checks that the next lab cleans up after it.
 */
public final class CrashedRun {
  private CrashedRun() {
  }

  public static void main(String[] args) throws InterruptedException {
    NetLab lab = NetLab.create("crashed-run");
    Host orphan = lab.host("orphan");
    LabProcess sleeper = orphan.start("sleeper", "sleep", "600");
    System.out.println("ready " + orphan.namespace() + " " + sleeper.pid());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
