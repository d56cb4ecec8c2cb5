package com.oversoc.mesh.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.actors.relay.DropReason;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.key.RelayPrivateKey;
import com.oversoc.mesh.protocol.net.Endpoint;
import com.oversoc.mesh.protocol.relay.MeshKey;
import com.oversoc.mesh.protocol.relay.PeerGoneReason;
import com.oversoc.mesh.relay.RelayFixture.Client;
import com.oversoc.mesh.relay.mesh.MeshPeer;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.pekko.japi.Pair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two relays of one region meshed in memory: presence, forwarding, and losing a client or a link. */
class RelayMeshTest {
  private static final RelayFixture F = new RelayFixture();

  @AfterEach
  void cleanUp() {
    F.cleanUp();
  }

  @AfterAll
  static void stop() {
    F.close();
  }

  /** Two relays that link to each other with one mesh key. */
  private static RelayServer[] meshedPair() {
    MeshKey meshKey = MeshKey.generate(RelayFixture.RANDOM);
    RelayPrivateKey k1 = RelayPrivateKey.generate(RelayFixture.RANDOM);
    RelayPrivateKey k2 = RelayPrivateKey.generate(RelayFixture.RANDOM);
    MeshPeer p1 = new MeshPeer(new Endpoint("relay-1.test", 443), k1.publicKey());
    MeshPeer p2 = new MeshPeer(new Endpoint("relay-2.test", 443), k2.publicKey());
    RelayServer r1 = F.server(RelaySettings.defaults(k1, new InetSocketAddress("127.0.0.1", 0)).withMesh(meshKey, List.of(p2)));
    RelayServer r2 = F.server(RelaySettings.defaults(k2, new InetSocketAddress("127.0.0.1", 0)).withMesh(meshKey, List.of(p1)));
    Map<MeshPeer, RelayServer> byPeer = Map.of(p1, r1, p2, r2);
    // A sibling proves its relay key; the relay reads every proven key as a node key.
    r1.startMesh(peer -> RelayFixture.inMemory(() -> byPeer.get(peer), new NodePublicKey(k1.publicKey().bytes())));
    r2.startMesh(peer -> RelayFixture.inMemory(() -> byPeer.get(peer), new NodePublicKey(k2.publicKey().bytes())));
    return new RelayServer[] {r1, r2};
  }

  @Test
  void clientsOfDifferentRelaysReachEachOtherAndHearWhenOneLeaves() {
    RelayServer[] r = meshedPair();
    Client a = F.client(r[0], F.enrolled());
    Client b = F.client(r[1], F.enrolled());
    F.await(() -> assertTrue(a.connected() && b.connected()));
    F.await(() -> assertTrue(r[0].knowsRemote(b.key) && r[1].knowsRemote(a.key)));

    a.relay.send(b.key, new byte[] {1});
    b.relay.send(a.key, new byte[] {2});
    F.await(() -> assertEquals(1, b.packets.size()));
    F.await(() -> assertEquals(1, a.packets.size()));
    assertEquals(a.key, b.sources.get(0));
    assertEquals(b.key, a.sources.get(0));

    b.relay.close();
    F.await(() -> assertTrue(a.gone.contains(Pair.create(b.key, PeerGoneReason.DISCONNECTED))));
    F.await(() -> assertTrue(!r[0].knowsRemote(b.key)));
  }

  @Test
  void tenThousandPacketsCrossTheMeshWithNoneLost() {
    RelayServer[] r = meshedPair();
    Client a = F.client(r[0], F.enrolled());
    Client b = F.client(r[1], F.enrolled());
    F.await(() -> assertTrue(r[0].knowsRemote(b.key) && a.connected()));
    int total = 10_000;
    for (int i = 0; i < total; i++) {
      int sent = i;
      RelayFixture.waitUntil(() -> sent - b.packets.size() < 24);
      a.relay.send(b.key, ByteBuffer.allocate(1200).putInt(i).array());
    }
    F.await(() -> assertEquals(total, b.packets.size()));
    for (int i = 0; i < total; i += 101) {
      assertEquals(i, ByteBuffer.wrap(b.packets.get(i)).getInt());
    }
    for (RelayServer relay : r) {
      for (DropReason reason : DropReason.values()) {
        assertEquals(0, relay.metrics().dropped(reason), reason.label());
      }
    }
  }

  @Test
  void aPacketForwardedToASiblingIsNeverForwardedAgain() {
    RelayServer[] r = meshedPair();
    Client a = F.client(r[0], F.enrolled());
    NodePublicKey elsewhere = F.enrolled(); // enrolled, but connected to neither relay
    F.await(() -> assertTrue(a.connected()));
    a.relay.send(elsewhere, new byte[] {1});
    F.await(() -> assertTrue(a.gone.contains(Pair.create(elsewhere, PeerGoneReason.NOT_HERE))));
    assertEquals(1, r[0].metrics().dropped(DropReason.UNKNOWN_DESTINATION));
    assertEquals(0, r[1].metrics().dropped(DropReason.UNKNOWN_DESTINATION), "nothing was forwarded");
  }
}
