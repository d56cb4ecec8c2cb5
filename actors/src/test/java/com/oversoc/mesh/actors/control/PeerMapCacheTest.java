package com.oversoc.mesh.actors.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.oversoc.mesh.protocol.control.MapValidation;
import com.oversoc.mesh.protocol.control.MeshAddresses;
import com.oversoc.mesh.protocol.control.PeerMap;
import com.oversoc.mesh.protocol.control.PeerMapReducer;
import com.oversoc.mesh.protocol.control.pb.MapResponse;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.control.pb.Peer;
import com.oversoc.mesh.protocol.control.pb.PeerAccess;
import com.oversoc.mesh.protocol.control.pb.RelayMap;
import com.oversoc.mesh.protocol.control.pb.RelayRegion;
import com.oversoc.mesh.protocol.control.pb.RelayServer;
import com.oversoc.mesh.protocol.control.pb.SelfNode;
import com.oversoc.mesh.protocol.net.IpLiteral;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The peer map on disk: what a node serves from while its coordinator is away. */
class PeerMapCacheTest {
  @TempDir Path dir;

  private static ByteString key(int seed) {
    byte[] k = new byte[32];
    new Random(seed).nextBytes(k);
    return ByteString.copyFrom(k);
  }

  static PeerMap map() throws Exception {
    SelfNode self = SelfNode.newBuilder().setNodeId(7).setName("acme-dmz-1").setRole(NodeRole.NODE_ROLE_GATEWAY)
        .setTenant("acme").setIpv4(ByteString.copyFrom(MeshAddresses.ipv4(7).bytes()))
        .setIpv6(ByteString.copyFrom(new byte[16])).setNodeKey(key(1)).setNodeKeyExpiresUnixMs(1_900_000_000_000L).build();
    Peer platform = Peer.newBuilder().setNodeId(9).setName("collector-1").setRole(NodeRole.NODE_ROLE_PLATFORM)
        .setTenant("oversoc").setIpv4(ByteString.copyFrom(MeshAddresses.ipv4(9).bytes()))
        .setIpv6(ByteString.copyFrom(new byte[16])).setNodeKey(key(2)).setNodeKeyExpiresUnixMs(1_900_000_000_000L)
        .setAccess(PeerAccess.INBOUND).addEndpoints(MapValidation.endpoint(IpLiteral.parse("203.0.113.20"), 41641))
        .setHomeRelay(1).build();
    RelayMap relays = RelayMap.newBuilder().addRegions(RelayRegion.newBuilder().setRegionId(1).setCode("eu")
        .addServers(RelayServer.newBuilder().setHost("relay.example.net").setPort(443).setStunPort(3478)
            .setPublicKey(key(3)))).build();
    return PeerMapReducer.apply(null, MapResponse.newBuilder().setSeq(42).setFull(true).setSelf(self)
        .addPeersChanged(platform).setRelayMap(relays).setPolicyVersion(5).build()).map();
  }

  @Test
  void aSavedMapLoadsBackEqualFromAnOwnerOnlyFile() throws Exception {
    PeerMapCache cache = new PeerMapCache(dir);
    assertTrue(cache.load().isEmpty(), "nothing cached yet");
    PeerMap m = map();
    cache.save(m);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.file())));
    assertEquals(m, cache.load().orElseThrow());
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file is left behind");
    }
  }

  @Test
  void aFileOthersMayReadIsRefused() throws Exception {
    PeerMapCache cache = new PeerMapCache(dir);
    cache.save(map());
    Files.setPosixFilePermissions(cache.file(), PosixFilePermissions.fromString("rw-r--r--"));
    IOException e = assertThrows(IOException.class, cache::load);
    assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
  }

  @Test
  void aCorruptFileIsATypedErrorNamingTheFile() throws Exception {
    PeerMapCache cache = new PeerMapCache(dir);
    Files.write(cache.file(), new byte[] {0x0a, 0x7f, 1, 2, 3});
    Files.setPosixFilePermissions(cache.file(), PosixFilePermissions.fromString("rw-------"));
    IOException e = assertThrows(IOException.class, cache::load);
    assertTrue(e.getMessage().startsWith(cache.file().toString()), e.getMessage());
    assertTrue(e.getMessage().contains("does not hold a valid peer map"), e.getMessage());
  }

  @Test
  void deletingForgetsTheMap() throws Exception {
    PeerMapCache cache = new PeerMapCache(dir);
    cache.save(map());
    cache.delete();
    assertFalse(Files.exists(cache.file()));
    assertTrue(cache.load().isEmpty());
  }
}
