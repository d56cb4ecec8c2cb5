package com.oversoc.mesh.node.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.oversoc.mesh.node.config.NodeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole local mesh with TLS around every connection that crosses an egress: the coordinator
 * and the relay listen with a certificate for 127.0.0.1, the relay map marks the relay as TLS,
 * and the relay, the gateway and the platform dial both inside TLS, trusting that certificate
 * (for networks that let only TLS out). Needs openssl to make the certificate, which .ci/run
 * installs.
 */
class LocalMeshTlsTest {
  @TempDir Path dir;

  @Test
  void nodesEnrollStreamMapsAndUseTheRelayInsideTls() throws Exception {
    Path cert = dir.resolve("server.pem");
    Path key = dir.resolve("server.key");
    Process openssl;
    try {
      openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
          "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost",
          "-addext", "subjectAltName=IP:127.0.0.1").redirectErrorStream(true).start();
    } catch (IOException e) {
      fail("openssl is not installed: install the Debian package openssl (.ci/run installs it)");
      return;
    }
    assertTrue(openssl.waitFor(30, TimeUnit.SECONDS) && openssl.exitValue() == 0,
        new String(openssl.getInputStream().readAllBytes()));

    try (LocalMesh mesh = LocalMesh.start(dir.resolve("mesh"), 0, LocalMesh.DEFAULT_RELAY_GRACE,
        Optional.of(new NodeConfig.TlsFiles(cert, key)))) {
      // start() returned: the relay, the gateway and the platform enrolled and the platform has
      // the gateway in its map, all over TLS to the coordinator.
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      long n = 1L << 20;
      HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + mesh.forwardPort() + "/bytes/" + n)).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(200, r.statusCode());
      MessageDigest got = MessageDigest.getInstance("SHA-256");
      try (InputStream in = r.body()) {
        got.update(in.readAllBytes());
      }
      MessageDigest want = MessageDigest.getInstance("SHA-256");
      SampleApi.expectedBytes(n, (chunk, len) -> want.update(chunk, 0, len));
      assertEquals(HexFormat.of().formatHex(want.digest()), HexFormat.of().formatHex(got.digest()));

      // Both nodes hold their home relay connection, dialed inside TLS.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      long clients = 0;
      while (clients < 2 && System.nanoTime() < deadline) {
        String metrics = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + mesh.relayMetricsPort() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^ovsgw_relay_clients (\\d+)").matcher(metrics);
        clients = m.find() ? Long.parseLong(m.group(1)) : 0;
        Thread.sleep(100);
      }
      assertEquals(2, clients, "the gateway and the platform on the TLS relay");
    }
  }
}
