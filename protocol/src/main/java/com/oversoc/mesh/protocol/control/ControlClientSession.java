package com.oversoc.mesh.protocol.control;

import com.google.protobuf.ByteString;
import com.oversoc.mesh.protocol.control.pb.ActiveKeysRequest;
import com.oversoc.mesh.protocol.control.pb.ClientHello;
import com.oversoc.mesh.protocol.control.pb.ClientMessage;
import com.oversoc.mesh.protocol.control.pb.ControlError;
import com.oversoc.mesh.protocol.control.pb.EndpointUpdate;
import com.oversoc.mesh.protocol.control.pb.IpEndpoint;
import com.oversoc.mesh.protocol.control.pb.Keepalive;
import com.oversoc.mesh.protocol.control.pb.MapRequest;
import com.oversoc.mesh.protocol.control.pb.RegisterRequest;
import com.oversoc.mesh.protocol.control.pb.Registration;
import com.oversoc.mesh.protocol.control.pb.RotateNodeKeyRequest;
import com.oversoc.mesh.protocol.control.pb.RotateNodeKeyResponse;
import com.oversoc.mesh.protocol.control.pb.ServerHello;
import com.oversoc.mesh.protocol.control.pb.ServerMessage;
import com.oversoc.mesh.protocol.key.CoordinatorPublicKey;
import com.oversoc.mesh.protocol.key.MachinePublicKey;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The client's half of one control connection, as pure state: it says what to send and applies
 * what arrives, and never touches a socket or a clock (the caller passes {@code now}). The
 * node's control client (reconnect with backoff, map cache on disk) and the relay wrap it in a
 * stream; tests and the revocation benchmark drive thousands of them in one process.
 *
 * <pre>
 *  AWAITING_HELLO --ServerHello(enrolled)--> AWAITING_MAP --full map--> STREAMING
 *        |                                        ^
 *        +--ServerHello(not enrolled)--> REGISTERING --RegisterResponse
 *  any --fatal ControlError--> FAILED        any --Revoked--> REVOKED
 * </pre>
 */
public final class ControlClientSession {
  public enum State { AWAITING_HELLO, REGISTERING, AWAITING_MAP, STREAMING, REVOKED, FAILED }

  /** A mesh node asks for its peer map; a relay asks for the active-keys feed. */
  public enum Mode { MESH_NODE, RELAY }

  /** What to do after a server message: frames to send, map changes to act on, an error if any. */
  public record Reaction(List<ClientMessage> send, List<PeerChange> changes, Optional<ControlException> error) {
    static Reaction none() {
      return new Reaction(List.of(), List.of(), Optional.empty());
    }

    static Reaction send(ClientMessage m) {
      return new Reaction(List.of(m), List.of(), Optional.empty());
    }

    static Reaction error(ControlException e) {
      return new Reaction(List.of(), List.of(), Optional.of(e));
    }
  }

  private final Mode mode;
  private final MachinePublicKey machine;
  private final CoordinatorPublicKey coordinator;
  private final Optional<String> authKey;
  private final String nodeName;
  private final String softwareVersion;
  private NodePrivateKey nodeKey;
  private NodePrivateKey pendingNodeKey;
  private RotateNodeKeyResponse rotated;
  private List<IpEndpoint> endpoints = List.of();
  private int homeRelay;

  private State state = State.AWAITING_HELLO;
  private byte[] sessionNonce;
  private Registration registration;
  private PeerMap map;
  private ActiveKeySet activeKeys;
  private String revokedReason;

  public ControlClientSession(Mode mode, MachinePublicKey machine, NodePrivateKey nodeKey,
      CoordinatorPublicKey coordinator, Optional<String> authKey, String nodeName, String softwareVersion) {
    this.mode = mode;
    this.machine = machine;
    this.nodeKey = nodeKey;
    this.coordinator = coordinator;
    this.authKey = authKey;
    this.nodeName = nodeName;
    this.softwareVersion = softwareVersion;
  }

  /** The first frame of the connection. */
  public ClientMessage hello(Instant now) {
    return ClientMessage.newBuilder().setHello(ClientHello.newBuilder()
        .setCapabilityVersion(ControlProtocol.CAPABILITY_VERSION)
        .setSoftwareVersion(softwareVersion)
        .setNodeName(nodeName)
        .setClientTimeUnixMs(now.toEpochMilli())).build();
  }

  public Reaction onMessage(ServerMessage m) {
    if (state == State.FAILED || state == State.REVOKED) {
      return Reaction.none();
    }
    try {
      return switch (m.getBodyCase()) {
        case HELLO -> onHello(m.getHello());
        case REGISTER -> onRegistered(m.getRegister().getRegistration());
        case MAP -> onMap(m);
        case ROTATE_NODE_KEY -> onRotated(m.getRotateNodeKey());
        case ERROR -> onError(m.getError());
        case REVOKED -> {
          state = State.REVOKED;
          revokedReason = m.getRevoked().getReason();
          yield Reaction.error(new ControlException(ControlError.Code.NODE_REVOKED, revokedReason));
        }
        case ACTIVE_KEYS -> onActiveKeys(m);
        case KEEPALIVE -> Reaction.none();
        case BODY_NOT_SET -> throw new ControlException(ControlError.Code.MALFORMED_MESSAGE, "empty server message");
      };
    } catch (ControlException e) {
      state = State.FAILED;
      return Reaction.error(e);
    }
  }

  private Reaction onHello(ServerHello h) throws ControlException {
    expect(State.AWAITING_HELLO, "ServerHello");
    if (h.getSessionNonce().size() != ControlProtocol.SESSION_NONCE_BYTES) {
      throw MapValidation.malformed("session nonce is " + h.getSessionNonce().size() + " bytes");
    }
    sessionNonce = h.getSessionNonce().toByteArray();
    if (h.getEnrolled()) {
      return onRegistered(h.getRegistration());
    }
    if (authKey.isEmpty()) {
      throw new ControlException(ControlError.Code.NOT_ENROLLED,
          "this machine is not enrolled and has no pre-auth key to enroll with");
    }
    state = State.REGISTERING;
    byte[] proof = NodeKeyProof.compute(NodeKeyProof.Purpose.ENROLL, nodeKey, coordinator, machine, sessionNonce);
    return Reaction.send(ClientMessage.newBuilder().setRegister(RegisterRequest.newBuilder()
        .setAuthKey(authKey.get())
        .setNodeKey(ByteString.copyFrom(nodeKey.publicKey().bytes()))
        .setNodeKeyProof(ByteString.copyFrom(proof))).build());
  }

  private Reaction onRegistered(Registration r) throws ControlException {
    if (state != State.AWAITING_HELLO && state != State.REGISTERING) {
      throw unexpected("registration");
    }
    registration = r;
    state = State.AWAITING_MAP;
    if (mode == Mode.RELAY) {
      return Reaction.send(ClientMessage.newBuilder().setActiveKeysRequest(ActiveKeysRequest.getDefaultInstance()).build());
    }
    return Reaction.send(ClientMessage.newBuilder().setMapRequest(MapRequest.newBuilder()
        .addAllEndpoints(endpoints).setHomeRelay(homeRelay)).build());
  }

  private Reaction onMap(ServerMessage m) throws ControlException {
    if (mode != Mode.MESH_NODE || (state != State.AWAITING_MAP && state != State.STREAMING)) {
      throw unexpected("MapResponse");
    }
    PeerMapReducer.Update u = PeerMapReducer.apply(map, m.getMap());
    map = u.map();
    state = State.STREAMING;
    return new Reaction(List.of(), u.changes(), Optional.empty());
  }

  private Reaction onActiveKeys(ServerMessage m) throws ControlException {
    if (mode != Mode.RELAY || (state != State.AWAITING_MAP && state != State.STREAMING)) {
      throw unexpected("ActiveKeysUpdate");
    }
    activeKeys = ActiveKeySet.apply(activeKeys, m.getActiveKeys()).set();
    state = State.STREAMING;
    return Reaction.none();
  }

  private Reaction onRotated(RotateNodeKeyResponse r) throws ControlException {
    if (pendingNodeKey == null) {
      throw unexpected("RotateNodeKeyResponse");
    }
    if (!r.getNodeKey().equals(ByteString.copyFrom(pendingNodeKey.publicKey().bytes()))) {
      throw MapValidation.malformed("RotateNodeKeyResponse confirms a key this node did not ask for");
    }
    nodeKey = pendingNodeKey;
    pendingNodeKey = null;
    rotated = r;
    return Reaction.none();
  }

  private Reaction onError(ControlError e) throws ControlException {
    ControlException ex = ControlException.fromWire(e);
    if (e.getFatal()) {
      throw ex;
    }
    pendingNodeKey = null; // a refused rotation keeps the old key
    if (state == State.REGISTERING) {
      state = State.FAILED; // nothing else to try on this connection
    }
    return Reaction.error(ex);
  }

  /** Asks to rotate to {@code newKey}; the session switches keys when the coordinator confirms. */
  public ClientMessage rotateNodeKey(NodePrivateKey newKey) {
    if (state != State.STREAMING || mode != Mode.MESH_NODE) {
      throw new IllegalStateException("rotate only while streaming the map; state " + state);
    }
    pendingNodeKey = newKey;
    byte[] proof = NodeKeyProof.compute(NodeKeyProof.Purpose.ROTATE, newKey, coordinator, machine, sessionNonce);
    return ClientMessage.newBuilder().setRotateNodeKey(RotateNodeKeyRequest.newBuilder()
        .setNewNodeKey(ByteString.copyFrom(newKey.publicKey().bytes()))
        .setNewNodeKeyProof(ByteString.copyFrom(proof))).build();
  }

  /**
   * Records the node's endpoints and home relay; returns the frame to send if the map stream is
   * already running (else they go with the MapRequest).
   */
  public Optional<ClientMessage> updateEndpoints(List<IpEndpoint> endpoints, int homeRelay) {
    this.endpoints = List.copyOf(endpoints);
    this.homeRelay = homeRelay;
    if (state != State.STREAMING) {
      return Optional.empty();
    }
    return Optional.of(ClientMessage.newBuilder().setEndpointUpdate(EndpointUpdate.newBuilder()
        .addAllEndpoints(endpoints).setHomeRelay(homeRelay)).build());
  }

  public static ClientMessage keepalive() {
    return ClientMessage.newBuilder().setKeepalive(Keepalive.getDefaultInstance()).build();
  }

  private void expect(State s, String what) throws ControlException {
    if (state != s) {
      throw unexpected(what);
    }
  }

  private ControlException unexpected(String what) {
    return new ControlException(ControlError.Code.UNEXPECTED_MESSAGE, what + " in state " + state);
  }

  public State state() {
    return state;
  }

  public Optional<PeerMap> map() {
    return Optional.ofNullable(map);
  }

  public Optional<ActiveKeySet> activeKeys() {
    return Optional.ofNullable(activeKeys);
  }

  public Optional<Registration> registration() {
    return Optional.ofNullable(registration);
  }

  public NodePrivateKey nodeKey() {
    return nodeKey;
  }

  /** The node key the coordinator holds for this node: the last confirmed rotation's, else the map's, else the registration's. */
  public Optional<NodePublicKey> coordinatorNodeKey() {
    ByteString key = rotated != null ? rotated.getNodeKey()
        : map != null ? map.self().getNodeKey()
        : registration != null ? registration.getNodeKey() : ByteString.EMPTY;
    return key.size() == NodePublicKey.LENGTH ? Optional.of(new NodePublicKey(key.toByteArray())) : Optional.empty();
  }

  /** When the coordinator's node key for this node expires, from the same source as {@link #coordinatorNodeKey}. */
  public Optional<Instant> nodeKeyExpiry() {
    long ms = rotated != null ? rotated.getNodeKeyExpiresUnixMs()
        : map != null ? map.self().getNodeKeyExpiresUnixMs()
        : registration != null ? registration.getNodeKeyExpiresUnixMs() : 0;
    return ms > 0 ? Optional.of(Instant.ofEpochMilli(ms)) : Optional.empty();
  }

  /** The coordinator's answer to the last rotation confirmed on this connection. */
  public Optional<RotateNodeKeyResponse> lastRotation() {
    return Optional.ofNullable(rotated);
  }

  public Optional<String> revokedReason() {
    return Optional.ofNullable(revokedReason);
  }
}
