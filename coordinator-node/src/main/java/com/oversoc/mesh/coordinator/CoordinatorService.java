package com.oversoc.mesh.coordinator;

import com.oversoc.mesh.coordinator.mesh.ChangeBus;
import com.oversoc.mesh.coordinator.mesh.MeshChange;
import com.oversoc.mesh.coordinator.policy.Policy;
import com.oversoc.mesh.coordinator.policy.PolicyException;
import com.oversoc.mesh.coordinator.policy.PolicyParser;
import com.oversoc.mesh.coordinator.store.CoordinatorStore;
import com.oversoc.mesh.coordinator.store.NodeRecord;
import com.oversoc.mesh.coordinator.store.PolicyRecord;
import com.oversoc.mesh.coordinator.store.PreAuthKeyRecord;
import com.oversoc.mesh.protocol.control.ControlException;
import com.oversoc.mesh.protocol.control.MapValidation;
import com.oversoc.mesh.protocol.control.NodeKeyProof;
import com.oversoc.mesh.protocol.control.SecretToken;
import com.oversoc.mesh.protocol.control.pb.ControlError;
import com.oversoc.mesh.protocol.control.pb.IpEndpoint;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.control.pb.RegisterRequest;
import com.oversoc.mesh.protocol.control.pb.RelayRegion;
import com.oversoc.mesh.protocol.control.pb.RotateNodeKeyRequest;
import com.oversoc.mesh.protocol.key.CoordinatorPrivateKey;
import com.oversoc.mesh.protocol.key.CoordinatorPublicKey;
import com.oversoc.mesh.protocol.control.MeshAddresses.UlaPrefix;
import com.oversoc.mesh.protocol.key.MachinePublicKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The coordinator's operations, shared by the control sessions and the admin API: each
 * validates its input, commits through the store (one transaction with its audit event) and
 * then announces the change on the {@link ChangeBus}, which is what makes every replica push
 * deltas. Blocking: call it from a blocking executor.
 */
public final class CoordinatorService {
  /** Node names as the configuration accepts them (ovsgw.node.name). */
  public static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  /** Longest pre-auth key lifetime an administrator may ask for. */
  public static final Duration MAX_PREAUTH_KEY_LIFETIME = Duration.ofDays(365);
  public static final int MAX_DESCRIPTION = 256;

  private final CoordinatorStore store;
  private final CoordinatorSettings settings;
  private final CoordinatorPrivateKey coordinatorKey;
  private final InstantSource clock;
  private final SecureRandom random;
  private final ChangeBus bus;
  private final UlaPrefix ula;

  /**
   * @throws IllegalStateException if the configured ULA prefix differs from the one the mesh
   *     already uses (addresses must never change under enrolled nodes)
   */
  public CoordinatorService(CoordinatorStore store, CoordinatorSettings settings, CoordinatorPrivateKey coordinatorKey,
      InstantSource clock, SecureRandom random, ChangeBus bus) {
    this.store = store;
    this.settings = settings;
    this.coordinatorKey = coordinatorKey;
    this.clock = clock;
    this.random = random;
    this.bus = bus;
    String proposed = settings.ulaPrefix().orElseGet(() -> UlaPrefix.generate(random).toString());
    this.ula = UlaPrefix.parse(store.settingOrInit(ULA_SETTING, proposed));
    settings.ulaPrefix().map(UlaPrefix::parse).filter(configured -> !configured.equals(ula)).ifPresent(configured -> {
      throw new IllegalStateException("ovsgw.coordinator.ula-prefix is " + configured + " but this mesh already "
          + "uses " + ula + "; mesh addresses must not change under enrolled nodes (remove the setting or set it to "
          + ula + ")");
    });
  }

  /** Name of the stored setting that holds the mesh's IPv6 ULA prefix. */
  public static final String ULA_SETTING = "ula-prefix";

  /** The mesh's IPv6 ULA /48. */
  public UlaPrefix ula() {
    return ula;
  }

  public CoordinatorPublicKey publicKey() {
    return coordinatorKey.publicKey();
  }

  public CoordinatorStore store() {
    return store;
  }

  public CoordinatorSettings settings() {
    return settings;
  }

  public InstantSource clock() {
    return clock;
  }

  // ---- control sessions ----

  public Optional<NodeRecord> nodeByMachineKey(MachinePublicKey machine) {
    return store.nodeByMachineKey(machine);
  }

  /**
   * Enrolls the machine behind a control connection. Everything that can be checked without the
   * store is checked first (key text, node key, proof); the store then consumes the pre-auth key
   * atomically.
   *
   * @param name the node name from ClientHello
   * @param nonce this connection's session nonce
   */
  public NodeRecord register(MachinePublicKey machine, String name, RegisterRequest r, byte[] nonce)
      throws ControlException {
    SecretToken token;
    try {
      token = SecretToken.parse(SecretToken.Kind.PRE_AUTH_KEY, r.getAuthKey());
    } catch (SecretToken.TokenFormatException e) {
      throw new ControlException(ControlError.Code.AUTH_KEY_MALFORMED, "the pre-auth key " + e.getMessage());
    }
    NodePublicKey nodeKey = NodeKeyProof.verifiedKey(NodeKeyProof.Purpose.ENROLL, r.getNodeKey(),
        r.getNodeKeyProof(), coordinatorKey, machine, nonce);
    String nodeName = name.isEmpty() ? "node-" + machine.shortString().replaceAll("[^A-Za-z0-9]", "x") : name;
    if (!NODE_NAME.matcher(nodeName).matches()) {
      throw new ControlException(ControlError.Code.INVALID_ARGUMENT, "node name '" + printable(nodeName)
          + "' is not accepted; accepted: 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }
    Optional<NodeRecord> existing = store.nodeByMachineKey(machine);
    if (existing.isPresent()) {
      if (existing.get().isRevoked()) {
        throw new ControlException(ControlError.Code.NODE_REVOKED, "this machine was revoked");
      }
      return existing.get(); // enrolled already (a retry after a lost response); nothing consumed
    }
    NodeRecord n = store.enroll(new CoordinatorStore.Enrollment(token, machine, nodeKey, nodeName),
        settings.nodeKeyLifetime(), clock.instant());
    bus.publish(MeshChange.nodes(n.nodeId()));
    return n;
  }

  /**
   * Rotates a node's key. The request came over the channel authenticated by the node's machine
   * key (that is what authorises it); the proof shows the node holds the new private key.
   */
  public NodeRecord rotateNodeKey(NodeRecord node, MachinePublicKey machine, RotateNodeKeyRequest r, byte[] nonce)
      throws ControlException {
    NodePublicKey newKey = NodeKeyProof.verifiedKey(NodeKeyProof.Purpose.ROTATE, r.getNewNodeKey(),
        r.getNewNodeKeyProof(), coordinatorKey, machine, nonce);
    NodeRecord rotated = store.rotateNodeKey(node.nodeId(), newKey, settings.nodeKeyLifetime(),
        settings.nodeKeyOverlap(), clock.instant());
    bus.publish(MeshChange.nodes(node.nodeId()));
    return rotated;
  }

  public void reportEndpoints(long nodeId, List<IpEndpoint> endpoints, int homeRelay) throws ControlException {
    MapValidation.reportedEndpoints(endpoints);
    if (homeRelay != 0 && settings.relayMap().getRegionsList().stream().map(RelayRegion::getRegionId)
        .noneMatch(id -> id == homeRelay)) {
      throw new ControlException(ControlError.Code.INVALID_ARGUMENT,
          "home relay region " + homeRelay + " is not in the relay map");
    }
    if (store.updateEndpoints(nodeId, endpoints, homeRelay, clock.instant()).isPresent()) {
      bus.publish(MeshChange.nodes(nodeId));
    }
  }

  // ---- administration ----

  /** A new pre-auth key: the text (shown once) and what is stored. */
  public record CreatedKey(String secretText, PreAuthKeyRecord record) {}

  /** @throws IllegalArgumentException naming the field that is not accepted */
  public CreatedKey createPreAuthKey(String tenant, NodeRole role, List<String> tags, boolean reusable,
      boolean ephemeral, Duration lifetime, String description, String actor) {
    if (!PolicyParser.TENANT.matcher(tenant).matches()) {
      throw new IllegalArgumentException("tenant '" + printable(tenant) + "' is not accepted; accepted: 1 to 63 "
          + "lower-case letters, digits or '-', starting with a letter or digit");
    }
    if (role == NodeRole.NODE_ROLE_UNSPECIFIED || role == NodeRole.UNRECOGNIZED) {
      throw new IllegalArgumentException("role is missing; accepted: gateway, platform, relay");
    }
    if (tags.size() > com.oversoc.mesh.protocol.control.ControlProtocol.MAX_TAGS) {
      throw new IllegalArgumentException("at most " + com.oversoc.mesh.protocol.control.ControlProtocol.MAX_TAGS
          + " tags");
    }
    for (String t : tags) {
      if (!PolicyParser.TAG.matcher(t).matches()) {
        throw new IllegalArgumentException("tag '" + printable(t) + "' is not accepted; accepted: 1 to 63 "
            + "lower-case letters, digits, '.', '_', ':' or '-'");
      }
    }
    if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_PREAUTH_KEY_LIFETIME) > 0) {
      throw new IllegalArgumentException("expiry " + lifetime + " is not accepted; accepted: more than 0, at most "
          + MAX_PREAUTH_KEY_LIFETIME.toDays() + " days");
    }
    if (description.length() > MAX_DESCRIPTION) {
      throw new IllegalArgumentException("description is longer than " + MAX_DESCRIPTION + " characters");
    }
    SecretToken token = SecretToken.generate(SecretToken.Kind.PRE_AUTH_KEY, random);
    PreAuthKeyRecord rec = store.createPreAuthKey(token, new CoordinatorStore.NewPreAuthKey(tenant, role,
        List.copyOf(tags), reusable, ephemeral, description, clock.instant().plus(lifetime)), actor, clock.instant());
    return new CreatedKey(token.reveal(), rec);
  }

  /** @return false if there is no such key */
  public boolean revokePreAuthKey(String keyId, boolean cascade, String actor) {
    if (store.preAuthKey(keyId).isEmpty()) {
      return false;
    }
    List<Long> nodes = store.revokePreAuthKey(keyId, cascade, actor, clock.instant());
    if (!nodes.isEmpty()) {
      bus.publish(new MeshChange.NodesChanged(nodes.stream().mapToLong(Long::longValue).toArray()));
    }
    return true;
  }

  /** @return false if there is no such (unrevoked) node */
  public boolean revokeNode(long nodeId, String reason, String actor) {
    boolean done = store.revokeNode(nodeId, reason, actor, clock.instant());
    if (done) {
      bus.publish(MeshChange.nodes(nodeId));
    }
    return done;
  }

  /** The document in force and its version (the built-in default, version 0, if none was set). */
  public PolicyRecord policy() {
    return store.currentPolicy().orElse(new PolicyRecord(0, PolicyParser.DEFAULT_DOCUMENT,
        java.time.Instant.EPOCH, CoordinatorStore.SYSTEM_ACTOR));
  }

  public Policy parsedPolicy() {
    PolicyRecord r = policy();
    try {
      return PolicyParser.parse(r.document(), r.version());
    } catch (PolicyException e) {
      throw new IllegalStateException("stored policy " + r.version() + " no longer parses: " + e.getMessage(), e);
    }
  }

  /** Validates and stores a new policy version; nothing is stored if it has problems. */
  public PolicyRecord setPolicy(String document, String actor) throws PolicyException {
    PolicyParser.parse(document, 0);
    PolicyRecord r = store.setPolicy(document, actor, clock.instant());
    bus.publish(new MeshChange.PolicyChanged(r.version()));
    return r;
  }

  /**
   * On the first start (no admin token stored yet) creates one and returns its text, to be shown
   * exactly once; afterwards returns empty. Two replicas starting together may both create one;
   * each prints its own, both are audited.
   */
  public Optional<String> firstAdminToken() {
    if (store.adminTokenCount() > 0) {
      return Optional.empty();
    }
    SecretToken token = SecretToken.generate(SecretToken.Kind.ADMIN_TOKEN, random);
    store.createAdminToken(token, "first admin token", CoordinatorStore.SYSTEM_ACTOR, clock.instant());
    return Optional.of(token.reveal());
  }

  /** Deletes ephemeral nodes offline for longer than the configured timeout. */
  public List<Long> removeOfflineEphemeral() {
    List<Long> ids = store.removeOfflineEphemeral(clock.instant().minus(settings.ephemeralOfflineTimeout()),
        clock.instant());
    if (!ids.isEmpty()) {
      bus.publish(new MeshChange.NodesChanged(ids.stream().mapToLong(Long::longValue).toArray()));
    }
    return new ArrayList<>(ids);
  }

  /** At most 64 printable ASCII characters of untrusted text, for error messages. */
  public static String printable(String s) {
    String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
