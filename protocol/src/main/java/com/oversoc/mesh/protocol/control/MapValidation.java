package com.oversoc.mesh.protocol.control;

import com.google.protobuf.ByteString;
import com.oversoc.mesh.protocol.control.pb.ControlError;
import com.oversoc.mesh.protocol.control.pb.IpEndpoint;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.control.pb.Peer;
import com.oversoc.mesh.protocol.control.pb.PeerAccess;
import com.oversoc.mesh.protocol.control.pb.RelayMap;
import com.oversoc.mesh.protocol.control.pb.RelayRegion;
import com.oversoc.mesh.protocol.control.pb.RelayServer;
import com.oversoc.mesh.protocol.control.pb.SelfNode;
import com.oversoc.mesh.protocol.key.Key32;
import com.oversoc.mesh.protocol.net.IpLiteral;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Field checks for the messages of the map stream and for endpoint reports. Protobuf accepts
 * any bytes of any length; these turn "a key of 31 bytes" or "port 0" into one MALFORMED_MESSAGE
 * (or INVALID_ARGUMENT for what a client reports) naming the field, before anything is applied.
 */
public final class MapValidation {
  private MapValidation() {}

  static void self(SelfNode s) throws ControlException {
    String where = "self";
    positiveId(s.getNodeId(), where);
    meshRole(s.getRole(), where);
    key(s.getNodeKey(), where + ".node_key");
    address(s.getIpv4(), 4, where + ".ipv4");
    address(s.getIpv6(), 16, where + ".ipv6");
  }

  static void peer(Peer p) throws ControlException {
    String where = "peer " + p.getNodeId();
    positiveId(p.getNodeId(), where);
    meshRole(p.getRole(), where);
    key(p.getNodeKey(), where + ".node_key");
    if (!p.getPreviousNodeKey().isEmpty()) {
      key(p.getPreviousNodeKey(), where + ".previous_node_key");
    }
    address(p.getIpv4(), 4, where + ".ipv4");
    address(p.getIpv6(), 16, where + ".ipv6");
    if (p.getAccess() == PeerAccess.PEER_ACCESS_UNSPECIFIED || p.getAccess() == PeerAccess.UNRECOGNIZED) {
      throw malformed(where + ".access is not set");
    }
    endpointsIn(p.getEndpointsList(), where, ControlError.Code.MALFORMED_MESSAGE);
  }

  static void relayMap(RelayMap m) throws ControlException {
    Set<Integer> ids = new HashSet<>();
    for (RelayRegion r : m.getRegionsList()) {
      if (r.getRegionId() == 0 || !ids.add(r.getRegionId())) {
        throw malformed("relay region id " + r.getRegionId() + " is zero or repeated");
      }
      for (RelayServer s : r.getServersList()) {
        if (s.getHost().isEmpty() || s.getPort() < 1 || s.getPort() > 65535 || s.getStunPort() > 65535) {
          throw malformed("relay region " + r.getRegionId() + " has a server without a host or with a bad port");
        }
        key(s.getPublicKey(), "relay region " + r.getRegionId() + " server key");
      }
    }
  }

  /** Endpoints a client reports: INVALID_ARGUMENT, because the client, not a codec, got it wrong. */
  public static void reportedEndpoints(List<IpEndpoint> endpoints) throws ControlException {
    endpointsIn(endpoints, "reported endpoints", ControlError.Code.INVALID_ARGUMENT);
  }

  private static void endpointsIn(List<IpEndpoint> endpoints, String where, ControlError.Code code)
      throws ControlException {
    if (endpoints.size() > ControlProtocol.MAX_ENDPOINTS) {
      throw new ControlException(code, where + ": " + endpoints.size() + " endpoints; at most "
          + ControlProtocol.MAX_ENDPOINTS);
    }
    for (IpEndpoint e : endpoints) {
      int n = e.getIp().size();
      if ((n != 4 && n != 16) || e.getPort() < 1 || e.getPort() > 65535) {
        throw new ControlException(code, where + ": endpoint with a " + n + "-byte address and port "
            + e.getPort() + "; accepted: 4 or 16 bytes, port 1..65535");
      }
    }
  }

  /** A 32-byte key field. */
  public static void key(ByteString k, String where) throws ControlException {
    if (k.size() != Key32.LENGTH) {
      throw malformed(where + " is " + k.size() + " bytes; a key is " + Key32.LENGTH);
    }
  }

  private static void address(ByteString a, int length, String where) throws ControlException {
    if (a.size() != length) {
      throw malformed(where + " is " + a.size() + " bytes; expected " + length);
    }
  }

  private static void positiveId(long id, String where) throws ControlException {
    if (id <= 0) {
      throw malformed(where + ": node id must be positive");
    }
  }

  private static void meshRole(NodeRole role, String where) throws ControlException {
    if (role != NodeRole.NODE_ROLE_GATEWAY && role != NodeRole.NODE_ROLE_PLATFORM) {
      throw malformed(where + ": role " + role + " is not a mesh role (gateway or platform)");
    }
  }

  static ControlException malformed(String message) {
    return new ControlException(ControlError.Code.MALFORMED_MESSAGE, message);
  }

  /** The wire form of an endpoint. */
  public static IpEndpoint endpoint(IpLiteral ip, int port) {
    return IpEndpoint.newBuilder().setIp(ByteString.copyFrom(ip.bytes())).setPort(port).build();
  }
}
