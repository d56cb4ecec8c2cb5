package com.oversoc.mesh.coordinator.mesh;

import com.google.protobuf.ByteString;
import com.oversoc.mesh.coordinator.store.NodeRecord;
import com.oversoc.mesh.protocol.control.MeshAddresses;
import com.oversoc.mesh.protocol.control.MeshAddresses.UlaPrefix;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.control.pb.Peer;
import com.oversoc.mesh.protocol.control.pb.PeerAccess;
import com.oversoc.mesh.protocol.control.pb.Registration;
import com.oversoc.mesh.protocol.control.pb.SelfNode;
import com.oversoc.mesh.protocol.key.PublicKey;
import java.time.Instant;

/** Stored nodes in their wire forms: a registration, a node's own entry, a peer entry. */
public final class Wire {
  private Wire() {}

  public static Registration registration(NodeRecord n, UlaPrefix ula) {
    Registration.Builder b = Registration.newBuilder()
        .setNodeId(n.nodeId())
        .setRole(n.role())
        .setTenant(n.tenant())
        .addAllTags(n.tags())
        .setNodeKey(bytes(n.nodeKey()))
        .setNodeKeyExpiresUnixMs(n.nodeKeyExpiresAt().toEpochMilli());
    if (n.role() != NodeRole.NODE_ROLE_RELAY) {
      b.setIpv4(ByteString.copyFrom(MeshAddresses.ipv4(n.nodeId()).bytes()))
          .setIpv6(ByteString.copyFrom(MeshAddresses.ipv6(ula, n.nodeId()).bytes()));
    }
    return b.build();
  }

  public static SelfNode self(NodeRecord n, UlaPrefix ula) {
    return SelfNode.newBuilder()
        .setNodeId(n.nodeId())
        .setName(n.name())
        .setRole(n.role())
        .setTenant(n.tenant())
        .addAllTags(n.tags())
        .setIpv4(ByteString.copyFrom(MeshAddresses.ipv4(n.nodeId()).bytes()))
        .setIpv6(ByteString.copyFrom(MeshAddresses.ipv6(ula, n.nodeId()).bytes()))
        .setNodeKey(bytes(n.nodeKey()))
        .setNodeKeyExpiresUnixMs(n.nodeKeyExpiresAt().toEpochMilli())
        .build();
  }

  /** The entry peers see; the previous key is listed only while its overlap lasts at {@code now}. */
  public static Peer peer(NodeRecord n, UlaPrefix ula, PeerAccess access, Instant now) {
    Peer.Builder b = Peer.newBuilder()
        .setNodeId(n.nodeId())
        .setName(n.name())
        .setRole(n.role())
        .setTenant(n.tenant())
        .addAllTags(n.tags())
        .setIpv4(ByteString.copyFrom(MeshAddresses.ipv4(n.nodeId()).bytes()))
        .setIpv6(ByteString.copyFrom(MeshAddresses.ipv6(ula, n.nodeId()).bytes()))
        .setNodeKey(bytes(n.nodeKey()))
        .setNodeKeyExpiresUnixMs(n.nodeKeyExpiresAt().toEpochMilli())
        .addAllEndpoints(n.endpoints())
        .setHomeRelay(n.homeRelay())
        .setAccess(access);
    if (previousKeyValid(n, now)) {
      b.setPreviousNodeKey(bytes(n.previousNodeKey().get()))
          .setPreviousKeyValidUntilUnixMs(n.previousKeyValidUntil().get().toEpochMilli());
    }
    return b.build();
  }

  public static boolean previousKeyValid(NodeRecord n, Instant now) {
    return n.previousNodeKey().isPresent() && n.previousKeyValidUntil().isPresent()
        && now.isBefore(n.previousKeyValidUntil().get());
  }

  private static ByteString bytes(PublicKey k) {
    return ByteString.copyFrom(k.bytes());
  }
}
