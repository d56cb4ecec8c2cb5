package com.oversoc.mesh.node.netlab;

import java.io.File;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A throwaway network of Linux network namespaces for end-to-end tests:
 *
 * <pre>
 *   try (NetLab lab = NetLab.create("stream-through-dmz")) {
 *     Host relay = lab.host("relay");                                 // 203.0.113.10 on the internet
 *     NatRouter dmz = lab.natRouter("dmz", Firewall.OUTBOUND_ONLY);   // 198.51.100.10, LAN 10.1.0.0/24
 *     Host gateway = dmz.host("gateway");                             // 10.1.0.2, seen outside as 198.51.100.10
 *     LabProcess p = gateway.startJava("ovsgw", JavaMain.of(Cli.class, "run", "--config", file));
 *     p.awaitLine("connected", Duration.ofSeconds(10));
 *     dmz.faults().blockUdp();                                         // only TCP leaves the DMZ now
 *   }                                                                  // processes killed, namespaces deleted
 * </pre>
 *
 * <p>Topology: the internet is a router namespace with a point-to-point veth to each public host
 * (203.0.113.10 and up) and each NAT router (198.51.100.10 and up); it knows only those /32
 * routes and has no default route, and nothing in the lab is linked to the root namespace, so no
 * packet can leave the lab. NAT router number k has LAN 10.k.0.0/24 (itself .1, hosts .2 and up),
 * again one veth per host, so that every host's link can carry its own {@link Faults}.
 *
 * <p>Namespaces are named {@code ovl-PID-RUN-NAME}. A lab removes, when created, every such
 * namespace of a JVM that no longer runs (killing what still runs in it), so a crashed run never
 * breaks the next one; a JVM shutdown hook closes the labs a test forgot. Each lab writes its
 * command log and process output under {@code target/netlab/LABEL-PID-RUN/}.
 */
public final class NetLab implements AutoCloseable {
  static final String PREFIX = "ovl-";
  private static final Pattern OUR_NAMESPACE = Pattern.compile("ovl-(\\d+)-(\\d+)-[a-z0-9-]+");
  /** Host, router and process names: short, lower case, usable in namespace and file names. */
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");
  private static final String INTERNET = "internet";
  private static final Path LOG_ROOT = Path.of("target", "netlab");
  /** The first node number on each segment; lower numbers are the segment's router. */
  private static final int FIRST_NODE = 10;
  private static final int LAST_NODE = 254;

  private static final AtomicInteger RUNS = new AtomicInteger();
  private static final Set<NetLab> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(NetLab::closeQuietly), "netlab-shutdown"));
  }

  private final String run;
  private final Path logDirectory;
  private final Commands commands;
  private final Preconditions.Tools tools;
  private final List<Namespace> namespaces = new ArrayList<>();
  private final Set<String> names = new HashSet<>();
  private final Set<String> logNames = new HashSet<>();
  private final List<LabProcess> processes = new ArrayList<>();
  private Namespace internet;
  private int publicHosts;
  private int routers;
  private boolean closed;

  private NetLab(String run, Path logDirectory, Commands commands, Preconditions.Tools tools) {
    this.run = run;
    this.logDirectory = logDirectory;
    this.commands = commands;
    this.tools = tools;
  }

  /**
   * A new, empty lab (just the internet). The label names its log directory. Fails with
   * {@link NetLabUnavailableException} if this machine cannot run it.
   */
  public static NetLab create(String label) {
    if (!NAME.matcher(label).matches()) {
      throw new IllegalArgumentException("lab label must match " + NAME + ": " + label);
    }
    Preconditions.Tools tools = Preconditions.check();
    String run = ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet();
    Path logDirectory = LOG_ROOT.resolve(label + "-" + run).toAbsolutePath();
    try {
      Files.createDirectories(logDirectory);
    } catch (IOException e) {
      throw new NetLabException("cannot create the lab's log directory " + logDirectory, e);
    }
    NetLab lab = new NetLab(run, logDirectory, new Commands(logDirectory.resolve("commands.txt")), tools);
    OPEN.add(lab);
    try {
      lab.removeLeftovers();
      lab.internet = lab.newNamespace(INTERNET, true);
    } catch (RuntimeException e) {
      lab.closeAfter(e);
      throw e;
    }
    return lab;
  }

  /** A new host on the internet, with the next public address. */
  public synchronized Host host(String name) {
    Inet4Address address = ipv4(203, 0, 113, nodeNumber(publicHosts, "public host"));
    Namespace ns = newNamespace(name, false);
    publicHosts++;
    Faults faults = link(internet, ipv4(203, 0, 113, 1), ns, address);
    return new Host(this, name, ns, address, faults);
  }

  /** A new NAT router on the internet, with the next public address and the next LAN (10.k.0.0/24). */
  public synchronized NatRouter natRouter(String name, Firewall firewall) {
    Objects.requireNonNull(firewall, "firewall");
    Inet4Address address = ipv4(198, 51, 100, nodeNumber(routers, "NAT router"));
    Namespace ns = newNamespace(name, true);
    int lan = ++routers;
    Faults faults = link(internet, ipv4(198, 51, 100, 1), ns, address);
    ns.iptablesRestore(NatRouter.rules(firewall));
    return new NatRouter(this, name, ns, address, faults, firewall, lan);
  }

  synchronized Host lanHost(NatRouter router, String name) {
    int n = router.nextLanHostNumber();
    if (n > LAST_NODE) {
      throw new IllegalStateException("the LAN of " + router.name() + " is full");
    }
    Namespace ns = newNamespace(name, false);
    router.lanHostAdded();
    Inet4Address address = ipv4(10, router.lanNumber(), 0, n);
    Faults faults = link(router.ns(), ipv4(10, router.lanNumber(), 0, 1), ns, address);
    return new Host(this, name, ns, address, faults);
  }

  /** Where this lab's command log and process output files are. */
  public Path logDirectory() {
    return logDirectory;
  }

  /** The names of the namespaces this lab created (and deletes when it closes), the internet first. */
  public synchronized List<String> namespaces() {
    return namespaces.stream().map(Namespace::name).toList();
  }

  synchronized LabProcess startProcess(Host host, String processName, List<String> command) {
    requireOpen();
    requireName(processName, "process");
    String logName = host.name() + "." + processName;
    for (int i = 2; !logNames.add(logName); i++) {
      logName = host.name() + "." + processName + "-" + i;
    }
    Path out = logDirectory.resolve(logName + ".out");
    Path err = logDirectory.resolve(logName + ".err");
    List<String> line = host.ns().inside(command);
    commands.note("start    " + logName + ": " + Commands.quoted(line));
    try {
      Process process = new ProcessBuilder(line)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .start();
      LabProcess p = new LabProcess(host, processName, process, out, err);
      processes.add(p);
      return p;
    } catch (IOException e) {
      throw new CommandFailedException(line, "could not start: " + e.getMessage(), e);
    }
  }

  /**
   * Stops every process the lab started (SIGTERM, SIGKILL after {@link LabProcess#STOP_GRACE}),
   * kills whatever else still runs in its namespaces and deletes them. Safe to call twice.
   */
  @Override
  public void close() {
    closeAfter(null);
  }

  private void closeAfter(RuntimeException earlier) {
    List<RuntimeException> problems = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      processes.forEach(LabProcess::terminate);
      long deadline = System.nanoTime() + LabProcess.STOP_GRACE.toNanos();
      for (LabProcess p : processes) {
        try {
          p.awaitOrKill(deadline);
        } catch (RuntimeException e) {
          problems.add(e);
        }
      }
      for (Namespace ns : namespaces.reversed()) {
        try {
          delete(ns.name());
        } catch (RuntimeException e) {
          problems.add(e);
        }
      }
      OPEN.remove(this);
    }
    if (!problems.isEmpty()) {
      if (earlier != null) {
        problems.forEach(earlier::addSuppressed);
        return;
      }
      RuntimeException first = problems.getFirst();
      problems.subList(1, problems.size()).forEach(first::addSuppressed);
      throw first;
    }
  }

  private static void closeQuietly(NetLab lab) {
    try {
      lab.close();
    } catch (RuntimeException e) {
      System.err.println("NetLab: closing a lab at JVM exit failed: " + e.getMessage());
    }
  }

  synchronized void requireOpen() {
    if (closed) {
      throw new IllegalStateException("this lab is closed");
    }
  }

  /** Deletes the namespaces of labs whose JVM is gone (and of closed-but-failed labs of this JVM). */
  private void removeLeftovers() {
    long self = ProcessHandle.current().pid();
    for (String name : listNamespaces()) {
      Matcher m = OUR_NAMESPACE.matcher(name);
      if (!m.matches()) {
        continue;
      }
      long pid = Long.parseLong(m.group(1));
      String owner = m.group(1) + "-" + m.group(2);
      boolean live = pid == self
          ? OPEN.stream().anyMatch(lab -> lab.run.equals(owner))
          : ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
      if (!live) {
        commands.note("leftover " + name + " of a run that is gone: removing it");
        try {
          delete(name);
        } catch (CommandFailedException e) {
          // Another lab starting at the same moment may have removed it first; that is fine.
          if (listNamespaces().contains(name)) {
            throw e;
          }
        }
      }
    }
  }

  private List<String> listNamespaces() {
    return commands.require(List.of(tools.ip().toString(), "netns", "list")).stdout().lines()
        .map(line -> line.split(" ", 2)[0])
        .filter(name -> name.startsWith(PREFIX))
        .toList();
  }

  /** Kills every process in the namespace (it would keep the namespace alive), then deletes its name. */
  private void delete(String namespace) {
    String pids = commands.require(List.of(tools.ip().toString(), "netns", "pids", namespace)).stdout();
    pids.lines().map(String::strip).filter(s -> !s.isEmpty()).map(Long::parseLong)
        .forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    commands.require(List.of(tools.ip().toString(), "netns", "delete", namespace));
  }

  private Namespace newNamespace(String name, boolean forwards) {
    requireOpen();
    requireName(name, "host");
    if (!names.add(name)) {
      throw new IllegalArgumentException("this lab already has a namespace named " + name
          + (name.equals(INTERNET) ? " (its own internet)" : ""));
    }
    Namespace ns = new Namespace(PREFIX + run + "-" + name, commands, tools);
    commands.require(List.of(tools.ip().toString(), "netns", "add", ns.name()));
    namespaces.add(ns);
    ns.ip("link", "set", "lo", "up");
    // Set either way: a new namespace may start with the root namespace's IPv4 settings
    // (net.core.devconf_inherit_init_net).
    ns.sysctl("net.ipv4.ip_forward", forwards ? "1" : "0");
    return ns;
  }

  /**
   * Joins a node to the namespace above it with a veth pair: {@code eth0} in the node with its
   * address and a default route, and a new interface upstream with a /32 route to the node.
   */
  private static Faults link(Namespace upstream, Inet4Address upstreamAddress, Namespace node, Inet4Address address) {
    String up = upstream.nextInterfaceName();
    String gateway = upstreamAddress.getHostAddress();
    String self = address.getHostAddress();
    // Created in the upstream namespace with its peer placed straight into the node's: no
    // interface ever exists in the root namespace, not even for a moment.
    upstream.ip("link", "add", up, "type", "veth", "peer", "name", Host.UPLINK, "netns", node.name());
    upstream.ip("addr", "add", gateway + "/32", "dev", up);
    upstream.ip("link", "set", up, "up");
    upstream.ip("route", "add", self + "/32", "dev", up);
    node.ip("addr", "add", self + "/32", "dev", Host.UPLINK);
    node.ip("link", "set", Host.UPLINK, "up");
    node.ip("route", "add", "default", "via", gateway, "dev", Host.UPLINK, "onlink");
    return new Faults(upstream, up, node, Host.UPLINK);
  }

  private static void requireName(String name, String what) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(what + " name must match " + NAME + " (lower case, at most 32): " + name);
    }
  }

  /** The host number of the next node on a segment that has this many already. */
  private static int nodeNumber(int existing, String what) {
    int n = FIRST_NODE + existing;
    if (n > LAST_NODE) {
      throw new IllegalStateException("no address left for another " + what);
    }
    return n;
  }

  private static Inet4Address ipv4(int a, int b, int c, int d) {
    try {
      return (Inet4Address) InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (UnknownHostException e) {
      throw new AssertionError("four bytes are always an IPv4 address", e);
    }
  }
}
