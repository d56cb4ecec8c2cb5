package com.oversoc.mesh.node.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.actors.mesh.PeerLink;
import com.oversoc.mesh.actors.path.PathAddress;
import com.oversoc.mesh.node.role.MeshNodeLauncher;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.netcheck.Report;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole mesh on loopback, as {@code ovsgw local} starts it: a coordinator, a relay, a gateway
 * with the sample API behind it and a platform with a port forward, each from its own
 * configuration file. Transfers cross the real data plane: TCP to the forward, mesh streams over
 * WireGuard on UDP, TCP from the gateway to the API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalMeshTest {
  @TempDir static Path dir;
  private LocalMesh mesh;
  private long startedAt;

  @BeforeAll
  void start() throws Exception {
    startedAt = System.nanoTime();
    mesh = LocalMesh.start(dir.resolve("mesh"), 0);
  }

  @AfterAll
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  private static String sha256(InputStream in) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    byte[] buf = new byte[64 * 1024];
    for (int n; (n = in.read(buf)) > 0; ) {
      d.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static String expected(long n) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    SampleApi.expectedBytes(n, (chunk, len) -> d.update(chunk, 0, len));
    return HexFormat.of().formatHex(d.digest());
  }

  private HttpResponse<InputStream> get(String path) throws Exception {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mesh.forwardPort() + path)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
  }

  @Test
  @Order(1)
  void theSampleApiAnswersThroughTheMesh() throws Exception {
    HttpResponse<InputStream> r = get("/");
    assertEquals(200, r.statusCode());
    assertTrue(new String(r.body().readAllBytes()).contains("through the OverSOC mesh"));
  }

  @Test
  @Order(2)
  void thePeersEndOnADirectPathWithinFiveSecondsOfStart() throws Exception {
    PeerLink gateway = mesh.platform().dataPlane().peer(LocalMesh.GATEWAY).orElseThrow();
    long deadline = startedAt + Duration.ofSeconds(5).toNanos();
    while (!(gateway.currentPath().orElse(null) instanceof PathAddress.Direct)) {
      assertTrue(System.nanoTime() < deadline, "no direct path 5 s after start: " + gateway.currentPath());
      Thread.sleep(20);
    }
    PeerLink platform = mesh.gateway().dataPlane().peer(LocalMesh.PLATFORM).orElseThrow();
    assertTrue(platform.currentPath().orElseThrow() instanceof PathAddress.Direct, "and the gateway's side too");
  }

  @Test
  @Order(3)
  void oneMebibyteAndTwoHundredFiftySixMebibytesArriveIntact() throws Exception {
    for (long n : new long[] {1L << 20, 256L << 20}) {
      HttpResponse<InputStream> r = get("/bytes/" + n);
      assertEquals(200, r.statusCode());
      assertEquals(expected(n), sha256(r.body()), n + " bytes");
    }
  }

  @Test
  @Order(4)
  void aGatewayNeverInitiatesAHandshakeOrAStream() {
    assertEquals(0, mesh.gateway().dataPlane().handshakesInitiated(), "the gateway sent no handshake initiation");
    assertTrue(mesh.platform().dataPlane().handshakesInitiated() > 0);
    assertThrows(IllegalStateException.class,
        () -> mesh.gateway().dataPlane().openStream(LocalMesh.PLATFORM, com.oversoc.mesh.protocol.net.IpLiteral.parse(
            "127.0.0.1"), 80));
  }

  @Test
  @Order(5)
  void bothNodesNetcheckTheRelayOverTheirOwnSocketAndMakeItHome() throws Exception {
    for (MeshNodeLauncher.Node node : new MeshNodeLauncher.Node[] {mesh.gateway(), mesh.platform()}) {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (node.netcheck().lastReport().isEmpty()) {
        assertTrue(System.nanoTime() < deadline, "no netcheck report within 10 s");
        Thread.sleep(20);
      }
      Report r = node.netcheck().lastReport().orElseThrow();
      assertEquals(Report.UdpStatus.WORKS, r.udp(), r.summary());
      assertEquals(List.of("127.0.0.1:" + node.udp().localAddress().getPort()),
          r.mappedEndpoints().stream().map(Object::toString).toList(), r.summary());
      assertTrue(r.region(1).orElseThrow().latency().isPresent(), r.summary());
      assertEquals(1, r.home().orElseThrow().region(), r.summary());
    }
  }

  @Test
  @Order(6)
  void aTargetTheGatewayDoesNotAllowIsRefused() throws Exception {
    // The forward's target is allowed; a stream to anything else is refused by the gateway.
    var refused = mesh.platform().dataPlane().openStream(LocalMesh.GATEWAY,
        com.oversoc.mesh.protocol.net.IpLiteral.parse("127.0.0.1"), 9);
    var probe = org.apache.pekko.actor.typed.ActorSystem.create(org.apache.pekko.actor.typed.javadsl.Behaviors.empty(),
        "probe", com.oversoc.mesh.actors.ActorSystems.pekkoConfig(com.typesafe.config.ConfigFactory.empty()));
    try {
      var result = org.apache.pekko.stream.javadsl.Source.<org.apache.pekko.util.ByteString>maybe()
          .viaMat(refused, org.apache.pekko.stream.javadsl.Keep.right())
          .to(org.apache.pekko.stream.javadsl.Sink.ignore())
          .run(org.apache.pekko.stream.Materializer.matFromSystem(probe));
      Exception e = assertThrows(Exception.class,
          () -> result.toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof com.oversoc.mesh.actors.transport.StreamOpenFailedException f
          && f.result() == com.oversoc.mesh.protocol.transport.stream.StreamOpenResult.POLICY_DENIED, e.toString());
    } finally {
      probe.terminate();
    }
  }

  @Test
  @Order(7)
  void bothNodesRotateTheirNodeKeysUnderATransferWithoutBreakingIt() throws Exception {
    MeshNodeLauncher.Node gateway = mesh.gateway();
    MeshNodeLauncher.Node platform = mesh.platform();
    NodePublicKey gatewayBefore = gateway.dataPlane().publicKey();
    NodePublicKey platformBefore = platform.dataPlane().publicKey();
    long n = 256L << 20;
    java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
    var transfer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try (InputStream in = get("/bytes/" + n).body()) {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[64 * 1024];
        for (int k; (k = in.read(buf)) > 0; ) {
          d.update(buf, 0, k);
          received.addAndGet(k);
          Thread.sleep(0, 200_000); // a slow reader: the transfer lasts while both keys change
        }
        return HexFormat.of().formatHex(d.digest());
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
    awaitTrue(() -> received.get() > 8 << 20, "the transfer started");

    gateway.control().rotateNodeKeyNow();
    awaitTrue(() -> !gateway.dataPlane().publicKey().equals(gatewayBefore), "the gateway's key rotated");
    NodePublicKey gatewayAfter = gateway.dataPlane().publicKey();
    awaitTrue(() -> platform.dataPlane().peer(LocalMesh.GATEWAY).orElseThrow().key().equals(gatewayAfter),
        "the platform's map has the gateway's new key");
    platform.control().rotateNodeKeyNow();
    awaitTrue(() -> !platform.dataPlane().publicKey().equals(platformBefore), "the platform's key rotated");
    NodePublicKey platformAfter = platform.dataPlane().publicKey();
    awaitTrue(() -> gateway.dataPlane().peer(LocalMesh.PLATFORM).orElseThrow().key().equals(platformAfter),
        "the gateway's map has the platform's new key");
    long atSecondRotation = received.get();

    assertEquals(expected(n), transfer.get(180, java.util.concurrent.TimeUnit.SECONDS), "intact across both rotations");
    assertTrue(atSecondRotation < n, "the transfer was still running when the second key changed");
    // The new keys are what each node keeps on disk, and new streams run on them once the old sessions are gone.
    assertEquals(gatewayAfter, com.oversoc.mesh.actors.keyfile.KeyFile.read(
        dir.resolve("mesh").resolve("gateway").resolve("node.key"), NodePrivateKey::parse).publicKey());
    PeerLink toGateway = platform.dataPlane().peer(LocalMesh.GATEWAY).orElseThrow();
    awaitTrue(() -> toGateway.sessionKeys().equals(List.of(List.of(platformAfter, gatewayAfter))),
        "only the session under both new keys is left");
    assertEquals(expected(1 << 20), sha256(get("/bytes/" + (1 << 20)).body()));
    assertEquals(0, gateway.dataPlane().handshakesInitiated(), "the gateway started no handshake to rotate");
  }

  @Test
  @Order(8)
  void everyNodesStateDirectoryAndEveryFileInItAreTheOwnersOnly() throws Exception {
    for (String node : List.of("coordinator", "relay", "gateway", "platform")) {
      java.nio.file.Path state = dir.resolve("mesh").resolve(node);
      assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
          java.nio.file.Files.getPosixFilePermissions(state)), state.toString());
      try (var files = java.nio.file.Files.list(state)) {
        for (java.nio.file.Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
          String mode = java.nio.file.attribute.PosixFilePermissions.toString(
              java.nio.file.Files.getPosixFilePermissions(f));
          assertTrue(mode.endsWith("------"), f + " is " + mode);
        }
      }
    }
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "not within 20 s: " + what);
      Thread.sleep(20);
    }
  }
}
