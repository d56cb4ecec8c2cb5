package com.oversoc.mesh.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.actors.channel.SecureChannel;
import com.oversoc.mesh.actors.control.ControlClientConnection;
import com.oversoc.mesh.coordinator.server.ControlListener;
import com.oversoc.mesh.protocol.channel.ChannelProtocol;
import com.oversoc.mesh.protocol.control.ControlClientSession;
import com.oversoc.mesh.protocol.control.ControlClientSession.State;
import com.oversoc.mesh.protocol.control.ControlException;
import com.oversoc.mesh.protocol.control.ControlProtocol;
import com.oversoc.mesh.protocol.control.PeerMap;
import com.oversoc.mesh.protocol.control.pb.ControlError;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.key.CoordinatorPrivateKey;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path a node takes: TCP on loopback, the secure channel (the node pins the
 * coordinator key and proves its machine key), then the control protocol.
 */
class ControlOverTcpTest {
  @TempDir Path dir;
  TestMesh mesh;
  InetSocketAddress address;
  Tcp.ServerBinding binding;

  @BeforeEach
  void start() throws Exception {
    mesh = TestMesh.h2(dir);
    binding = ControlListener.bind(mesh.system, "127.0.0.1", 0, java.util.Optional.empty(), mesh.key, SecureChannel.Settings.defaults(),
        mesh.coordinator.connections()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    address = binding.localAddress();
  }

  @AfterEach
  void stop() throws Exception {
    binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    mesh.close();
  }

  /** The node's transport: channel atop TCP, plaintext bytes in and out. */
  Flow<ByteString, ByteString, ?> transport(MachinePrivateKey machine, CoordinatorPrivateKey pinned) {
    return SecureChannel.client(ChannelProtocol.CONTROL, machine, pinned.publicKey(), new byte[0],
            SecureChannel.Settings.defaults())
        .join(Tcp.get(mesh.system).outgoingConnection(address.getHostString(), address.getPort()));
  }

  record TcpNode(ControlClientSession session, ControlClientConnection connection, List<ControlException> errors) {
    PeerMap map() {
      synchronized (session) {
        return session.map().orElseThrow();
      }
    }
  }

  TcpNode connect(String authKey, String name) {
    MachinePrivateKey machine = MachinePrivateKey.generate(mesh.random);
    ControlClientSession s = new ControlClientSession(ControlClientSession.Mode.MESH_NODE, machine.publicKey(),
        NodePrivateKey.generate(mesh.random), mesh.key.publicKey(), Optional.of(authKey), name, "test");
    List<ControlException> errors = new CopyOnWriteArrayList<>();
    ControlClientConnection c = ControlClientConnection.open(Materializer.createMaterializer(mesh.system), s,
        transport(machine, mesh.key), mesh.clock, Duration.ofSeconds(15), (sess, m, r) -> r.error().ifPresent(errors::add));
    return new TcpNode(s, c, errors);
  }

  State state(TcpNode n) {
    synchronized (n.session()) {
      return n.session().state();
    }
  }

  @Test
  void nodesEnrollAndStreamMapsOverTheSecureChannel() {
    TcpNode gw = connect(mesh.key("acme", NodeRole.NODE_ROLE_GATEWAY, false, false), "gw");
    TcpNode pf = connect(mesh.key("acme", NodeRole.NODE_ROLE_PLATFORM, false, false), "pf");
    TestMesh.await(() -> state(gw) == State.STREAMING && state(pf) == State.STREAMING, "both streaming");
    TestMesh.await(() -> gw.map().peers().size() == 1, "gateway sees the platform over TCP");
    long pfId = pf.map().self().getNodeId();
    assertTrue(mesh.service().revokeNode(pfId, "test", "admin:test"));
    TestMesh.await(() -> gw.map().peers().isEmpty(), "revocation over TCP");
    TestMesh.await(() -> state(pf) == State.REVOKED, "revoked node told");
  }

  @Test
  void aNodePinningAnotherKeyNeverReachesTheControlProtocol() throws Exception {
    CoordinatorPrivateKey impostor = CoordinatorPrivateKey.generate(mesh.random);
    var done = Source.<ByteString>maybe().via(transport(MachinePrivateKey.generate(mesh.random), impostor))
        .runWith(Sink.seq(), mesh.system).toCompletableFuture();
    TestMesh.await(done::isDone, "the handshake fails and the connection ends");
    assertTrue(done.isCompletedExceptionally(), "the client sees the channel fail");
    assertTrue(mesh.service().store().nodes().isEmpty());
  }

  @Test
  void anOversizedFrameInsideTheChannelClosesOnlyThatConnection() throws Exception {
    TcpNode gw = connect(mesh.key("acme", NodeRole.NODE_ROLE_GATEWAY, false, false), "gw");
    TestMesh.await(() -> state(gw) == State.STREAMING, "gateway streaming");
    int tooBig = ControlProtocol.MAX_CLIENT_FRAME_BYTES + 1;
    ByteString header = ByteString.fromArray(new byte[] {
        (byte) (tooBig >>> 24), (byte) (tooBig >>> 16), (byte) (tooBig >>> 8), (byte) tooBig});
    List<ByteString> answer = Source.single(header).concat(Source.maybe())
        .via(transport(MachinePrivateKey.generate(mesh.random), mesh.key))
        .toMat(Sink.seq(), Keep.right()).run(mesh.system).toCompletableFuture().get(10, TimeUnit.SECONDS);
    ByteString all = answer.stream().reduce(ByteString.emptyByteString(), ByteString::concat);
    var error = com.oversoc.mesh.actors.control.ControlFraming.parseServer(all.drop(4)).getError();
    assertEquals(ControlError.Code.FRAME_TOO_LARGE, error.getCode());
    TcpNode pf = connect(mesh.key("acme", NodeRole.NODE_ROLE_PLATFORM, false, false), "pf");
    TestMesh.await(() -> gw.map().peers().size() == 1, "the other connection still streams");
    TestMesh.await(() -> state(pf) == State.STREAMING, "and new ones are served");
  }
}
