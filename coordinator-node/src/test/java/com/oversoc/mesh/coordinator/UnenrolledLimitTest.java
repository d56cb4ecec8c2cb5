package com.oversoc.mesh.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.oversoc.mesh.coordinator.TestMesh.Node;
import com.oversoc.mesh.protocol.control.ControlClientSession.State;
import com.oversoc.mesh.protocol.control.pb.ControlError;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import java.nio.file.Path;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Strangers cannot pin the coordinator's memory: unenrolled connections are capped, members are not. */
class UnenrolledLimitTest {
  static final int LIMIT = 2;

  @TempDir Path dir;
  TestMesh mesh;

  @BeforeEach
  void start() {
    mesh = TestMesh.h2WithUnenrolledLimit(dir, LIMIT);
  }

  @AfterEach
  void stop() {
    mesh.close();
  }

  /** A connection that says nothing and stays open (until the hello timeout). */
  private void silentStranger() {
    Source.<ByteString>maybe()
        .via(mesh.coordinator.connections().flow(MachinePrivateKey.generate(mesh.random).publicKey()))
        .runWith(Sink.ignore(), mesh.system);
  }

  @Test
  void pastTheLimitStrangersAreRefusedWhileEnrolledNodesKeepBeingServed() throws Exception {
    Node member = mesh.connect(mesh.key("acme", NodeRole.NODE_ROLE_GATEWAY, false, false), "member");
    member.awaitState(State.STREAMING);
    for (int i = 0; i < LIMIT; i++) {
      silentStranger();
    }
    Node late = mesh.connect(mesh.key("acme", NodeRole.NODE_ROLE_GATEWAY, false, false), "late");
    assertEquals(ControlError.Code.OVERLOADED, late.awaitError().code());
    assertEquals(0, mesh.service().store().nodes().stream().filter(n -> n.name().equals("late")).count(),
        "refused before anything was asked of the store");

    mesh.service().setPolicy("platform-to-platform = true", "admin:test");
    member.awaitMap(m -> m.policyVersion() == 1, "the enrolled node still gets its deltas");
    assertEquals(State.STREAMING, member.state());
  }
}
