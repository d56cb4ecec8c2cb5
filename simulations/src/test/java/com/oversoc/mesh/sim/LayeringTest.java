package com.oversoc.mesh.sim;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.archfixture.ImportsPekkoActor;
import com.oversoc.mesh.protocol.archfixture.ReadsTheWallClock;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * Keeps the module layering of ARCHITECTURE.md: protocol <- actors <- {relay, coordinator} <-
 * node <- simulations, and keeps {@code protocol} pure (no actors, no I/O, no wall clock).
 */
class LayeringTest {
  private static final String ROOT = "com.oversoc.mesh";

  static final ArchRule LAYERS =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .withOptionalLayers(true)
          .layer("protocol").definedBy(ROOT + ".protocol..")
          .layer("actors").definedBy(ROOT + ".actors..")
          .layer("relay").definedBy(ROOT + ".relay..")
          .layer("coordinator").definedBy(ROOT + ".coordinator..")
          .layer("node").definedBy(ROOT + ".node..")
          .layer("simulations").definedBy(ROOT + ".sim..")
          .whereLayer("simulations").mayNotBeAccessedByAnyLayer()
          .whereLayer("node").mayOnlyBeAccessedByLayers("simulations")
          .whereLayer("relay").mayOnlyBeAccessedByLayers("node", "simulations")
          .whereLayer("coordinator").mayOnlyBeAccessedByLayers("node", "simulations")
          .whereLayer("actors").mayOnlyBeAccessedByLayers("relay", "coordinator", "node", "simulations")
          .whereLayer("protocol")
          .mayOnlyBeAccessedByLayers("actors", "relay", "coordinator", "node", "simulations");

  static final ArchRule PROTOCOL_HAS_NO_ACTORS_OR_IO =
      noClasses()
          .that().resideInAPackage(ROOT + ".protocol..")
          .should().dependOnClassesThat().resideInAnyPackage(
              "org.apache.pekko..", "java.nio.channels..", "java.nio.file..", "java.net.http..")
          .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.File")
          .orShould().dependOnClassesThat().haveNameMatching("java\\.io\\.(File|Random).*")
          .orShould().dependOnClassesThat().haveNameMatching(
              "java\\.net\\.(Socket|ServerSocket|DatagramSocket|MulticastSocket|URL|URLConnection|HttpURLConnection)")
          .orShould().callMethod(java.net.InetAddress.class, "getByName", String.class)
          .orShould().callMethod(java.net.InetAddress.class, "getAllByName", String.class)
          .orShould().callMethod(java.net.InetAddress.class, "getLocalHost")
          .because("protocol/ is pure: no actors, no sockets or files, no name resolution");

  static final ArchRule PROTOCOL_READS_NO_CLOCK =
      noClasses()
          .that().resideInAPackage(ROOT + ".protocol..")
          .should().callMethod(System.class, "currentTimeMillis")
          .orShould().callMethod(System.class, "nanoTime")
          .orShould().callMethod(java.time.Instant.class, "now")
          .orShould().callMethod(java.time.Clock.class, "systemUTC")
          .orShould().callMethod(java.time.Clock.class, "systemDefaultZone")
          .orShould().callMethod(Thread.class, "sleep", long.class)
          .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
          .because("protocol/ state machines take time as an argument, so tests are deterministic");

  private static JavaClasses production() {
    return new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(ROOT);
  }

  @Test
  void modulesDependOnlyDownwards() {
    JavaClasses classes = production();
    assertTrue(classes.contain(com.oversoc.mesh.protocol.net.IpLiteral.class), "protocol classes imported");
    assertTrue(classes.contain(com.oversoc.mesh.node.cli.Cli.class), "node classes imported");
    LAYERS.check(classes);
  }

  @Test
  void protocolIsPure() {
    JavaClasses classes = production();
    PROTOCOL_HAS_NO_ACTORS_OR_IO.check(classes);
    PROTOCOL_READS_NO_CLOCK.check(classes);
  }

  /** The rules are not vacuous: they reject the fixtures that break them. */
  @Test
  void rulesCatchAProtocolClassThatImportsPekkoActorsOrReadsTheClock() {
    JavaClasses pekko = new ClassFileImporter().importClasses(ImportsPekkoActor.class);
    AssertionError actorViolation = assertThrows(AssertionError.class, () -> PROTOCOL_HAS_NO_ACTORS_OR_IO.check(pekko));
    assertTrue(actorViolation.getMessage().contains("org.apache.pekko.actor"), actorViolation.getMessage());
    AssertionError layerViolation = assertThrows(AssertionError.class, () -> LAYERS.check(
        new ClassFileImporter().importClasses(ImportsPekkoActor.class, com.oversoc.mesh.actors.ActorSystems.class)));
    assertFalse(layerViolation.getMessage().isEmpty());

    JavaClasses clock = new ClassFileImporter().importClasses(ReadsTheWallClock.class);
    assertThrows(AssertionError.class, () -> PROTOCOL_READS_NO_CLOCK.check(clock));
  }
}
