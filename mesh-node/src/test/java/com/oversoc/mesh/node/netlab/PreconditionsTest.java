package com.oversoc.mesh.node.netlab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PreconditionsTest {
  private static final Function<String, Optional<Path>> EVERYTHING = c -> Optional.of(Path.of("/usr/sbin", c));

  @Test
  void withRootAndEveryCommandTheLabGetsTheirPaths() {
    Preconditions.Tools tools = Preconditions.check(0, EVERYTHING);
    assertEquals(Path.of("/usr/sbin/ip"), tools.ip());
    assertEquals(Path.of("/usr/sbin/iptables-restore"), tools.iptablesRestore());
  }

  @Test
  void withoutRootTheMessageSaysSoAndPointsAtCi() {
    String message = assertThrows(NetLabUnavailableException.class, () -> Preconditions.check(1000, EVERYTHING))
        .getMessage();
    assertEquals("NetLab cannot run: it needs root to create network namespaces (the effective uid is 1000); "
        + "run the tests as root, as .ci/run does", message);
  }

  @Test
  void missingIptablesNamesTheDebianPackageAndCi() {
    Function<String, Optional<Path>> noIptables = c -> c.startsWith("iptables") ? Optional.empty() : EVERYTHING.apply(c);
    String message = assertThrows(NetLabUnavailableException.class, () -> Preconditions.check(0, noIptables))
        .getMessage();
    assertEquals("NetLab cannot run: it needs the commands iptables, iptables-restore from the Debian package "
        + "iptables, which .ci/run installs (here: apt-get install iptables)", message);
  }

  @Test
  void everyProblemIsInTheOneMessage() {
    String message = assertThrows(NetLabUnavailableException.class,
        () -> Preconditions.check(1000, c -> Optional.empty())).getMessage();
    assertTrue(message.contains("needs root") && message.contains("Debian packages iproute2 iptables"), message);
  }

  @Test
  void aCommandATestNeedsIsFoundOrNamedWithItsPackage() {
    assertTrue(Preconditions.requireCommand("sh", "dash").isAbsolute());
    String message = assertThrows(NetLabUnavailableException.class,
        () -> Preconditions.requireCommand("ovl-no-such-command", "ovl-package")).getMessage();
    assertEquals("NetLab test cannot run: it needs the command ovl-no-such-command from the Debian package "
        + "ovl-package, which .ci/run installs (here: apt-get install ovl-package)", message);
  }
}
