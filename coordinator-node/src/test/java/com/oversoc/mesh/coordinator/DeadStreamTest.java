package com.oversoc.mesh.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.actors.control.ControlFraming;
import com.oversoc.mesh.protocol.control.pb.ClientHello;
import com.oversoc.mesh.protocol.control.pb.ClientMessage;
import com.oversoc.mesh.protocol.control.pb.ControlError;
import com.oversoc.mesh.protocol.control.pb.ServerMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keepalives both ways, and a connection that goes silent is closed by the coordinator. */
class DeadStreamTest {
  @TempDir Path dir;
  TestMesh mesh;

  @BeforeEach
  void start() {
    mesh = TestMesh.h2WithTimers(dir, Duration.ofMillis(200), Duration.ofMillis(600), Duration.ofMillis(600));
  }

  @AfterEach
  void stop() {
    mesh.close();
  }

  @Test
  void aSilentClientIsDeclaredDeadWithATypedError() throws Exception {
    ClientMessage hello = ClientMessage.newBuilder().setHello(ClientHello.newBuilder().setCapabilityVersion(2)
        .setClientTimeUnixMs(mesh.clock.instant().toEpochMilli())).build();
    List<ServerMessage> got = mesh.exchange(ControlFraming.encode(hello, Integer.MAX_VALUE));
    assertTrue(got.get(0).hasHello(), got.toString());
    ServerMessage last = got.get(got.size() - 1);
    assertEquals(ControlError.Code.TIMEOUT, last.getError().getCode(), got.toString());
    assertTrue(got.stream().anyMatch(ServerMessage::hasKeepalive), "the coordinator sends keepalives: " + got);
  }

  @Test
  void aClientThatNeverSaysHelloIsDropped() throws Exception {
    List<ServerMessage> got = mesh.exchange(ByteString.emptyByteString());
    assertEquals(ControlError.Code.TIMEOUT, got.get(got.size() - 1).getError().getCode(), got.toString());
  }
}
