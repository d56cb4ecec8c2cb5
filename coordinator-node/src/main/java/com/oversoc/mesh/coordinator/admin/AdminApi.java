package com.oversoc.mesh.coordinator.admin;

import com.oversoc.mesh.coordinator.CoordinatorService;
import com.oversoc.mesh.coordinator.policy.PolicyException;
import com.oversoc.mesh.coordinator.store.AuditEvent;
import com.oversoc.mesh.coordinator.store.CoordinatorStore;
import com.oversoc.mesh.coordinator.store.NodeRecord;
import com.oversoc.mesh.coordinator.store.PolicyRecord;
import com.oversoc.mesh.coordinator.store.PreAuthKeyRecord;
import com.oversoc.mesh.protocol.control.MeshAddresses;
import com.oversoc.mesh.protocol.control.SecretToken;
import com.oversoc.mesh.protocol.control.pb.IpEndpoint;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.net.IpLiteral;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin API's operations, independent of HTTP: authenticate the bearer token, dispatch on
 * method and path, answer JSON. Blocking (it calls the store); the HTTP layer runs it on the
 * blocking executor. Every call is an audit event: writes inside their own transaction, reads
 * and refused tokens as separate events.
 *
 * <pre>
 *  POST /v1/keys                 {tenant, role, tags, reusable, ephemeral, expiry_seconds, description}
 *  GET  /v1/keys
 *  POST /v1/keys/{id}/revoke     {cascade}
 *  GET  /v1/nodes
 *  GET  /v1/nodes/{id}
 *  POST /v1/nodes/{id}/revoke    {reason}
 *  GET  /v1/policy
 *  PUT  /v1/policy               the document (HOCON or JSON) as the body
 *  GET  /v1/audit?limit=N
 * </pre>
 */
public final class AdminApi {
  /** Default and largest number of audit events one call returns. */
  public static final int AUDIT_DEFAULT_LIMIT = 100;
  public static final int AUDIT_MAX_LIMIT = 10_000;

  public static final JsonMapper JSON = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  /** An HTTP status and a JSON body. */
  public record Response(int status, String json) {}

  // ---- JSON shapes ----

  public record CreateKeyRequest(String tenant, String role, List<String> tags, boolean reusable, boolean ephemeral,
      Long expirySeconds, String description) {}

  public record KeyView(String id, String tenant, String role, List<String> tags, boolean reusable, boolean ephemeral,
      String description, String createdAt, String createdBy, String expiresAt, String state, int useCount,
      String revokedAt) {}

  /** The key text appears in exactly one response: this one. */
  public record CreatedKey(String key, KeyView info) {}

  public record RevokeKeyRequest(boolean cascade) {}

  public record RevokeNodeRequest(String reason) {}

  public record NodeView(long id, String name, String tenant, String role, List<String> tags, boolean ephemeral,
      String ipv4, String ipv6, String machineKey, String nodeKey, String nodeKeyExpiresAt, String previousNodeKey,
      String previousKeyValidUntil, List<String> endpoints, int homeRelay, String preauthKeyId, String createdAt,
      String lastSeenAt, String revokedAt, String revokedReason) {}

  public record PolicyView(long version, String document, String createdAt, String createdBy) {}

  public record AuditView(long id, String at, String actor, String action, String target, String detail) {}

  public record ErrorView(String error, List<String> problems) {}

  private final CoordinatorService service;

  public AdminApi(CoordinatorService service) {
    this.service = service;
  }

  /**
   * Handles one request.
   *
   * @param authorization the Authorization header, if any
   * @param path the path without query, e.g. {@code /v1/keys}
   */
  public Response handle(String method, String path, Map<String, String> query, Optional<String> authorization,
      String body) {
    Optional<String> actor = authenticate(authorization);
    if (actor.isEmpty()) {
      return error(401, "missing or invalid admin token; send 'Authorization: Bearer ovsgw-admin-...'");
    }
    try {
      return dispatch(method, path.split("/", -1), query, body, actor.get());
    } catch (JacksonException e) {
      return error(400, "the body is not the expected JSON: " + e.getOriginalMessage());
    } catch (IllegalArgumentException e) {
      return error(400, e.getMessage());
    } catch (PolicyException e) {
      return new Response(400, JSON.writeValueAsString(new ErrorView("the policy document has problems",
          e.problems())));
    }
  }

  private Optional<String> authenticate(Optional<String> header) {
    if (header.isEmpty() || !header.get().startsWith("Bearer ")) {
      return Optional.empty();
    }
    SecretToken token;
    try {
      token = SecretToken.parse(SecretToken.Kind.ADMIN_TOKEN, header.get().substring("Bearer ".length()).strip());
    } catch (SecretToken.TokenFormatException e) {
      return Optional.empty();
    }
    if (!service.store().isValidAdminToken(token)) {
      service.store().audit("admin:" + token.id(), "admin.refused", "admin_api", "unknown or revoked token",
          service.clock().instant());
      return Optional.empty();
    }
    return Optional.of("admin:" + token.id());
  }

  /** Segments of "/v1/keys/x/revoke" are ["", "v1", "keys", "x", "revoke"]. */
  private Response dispatch(String method, String[] p, Map<String, String> query, String body, String actor)
      throws PolicyException {
    if (p.length < 3 || !p[0].isEmpty() || !p[1].equals("v1")) {
      return error(404, "no such resource; see the admin API in README (Coordinator)");
    }
    String resource = p[2];
    String id = p.length > 3 ? p[3] : null;
    String verb = p.length > 4 ? p[4] : null;
    if (p.length > 5) {
      return error(404, "no such resource");
    }
    return switch (method + " " + resource + (id == null ? "" : "/{id}") + (verb == null ? "" : "/" + verb)) {
      case "POST keys" -> createKey(JSON.readValue(body, CreateKeyRequest.class), actor);
      case "GET keys" -> {
        read(actor, "preauth_key.list", "preauth_keys");
        yield ok(service.store().preAuthKeys().stream().map(this::view).toList());
      }
      case "POST keys/{id}/revoke" -> {
        RevokeKeyRequest r = body.isBlank() ? new RevokeKeyRequest(false) : JSON.readValue(body, RevokeKeyRequest.class);
        yield service.revokePreAuthKey(id, r.cascade(), actor)
            ? ok(view(service.store().preAuthKey(id).orElseThrow()))
            : error(404, "no pre-auth key with id " + CoordinatorService.printable(id));
      }
      case "GET nodes" -> {
        read(actor, "node.list", "nodes");
        yield ok(service.store().nodes().stream().map(this::view).toList());
      }
      case "GET nodes/{id}" -> {
        long nodeId = nodeId(id);
        read(actor, "node.show", "node:" + nodeId);
        yield service.store().node(nodeId).map(n -> ok(view(n))).orElse(error(404, "no node " + nodeId));
      }
      case "POST nodes/{id}/revoke" -> {
        long nodeId = nodeId(id);
        RevokeNodeRequest r = body.isBlank() ? new RevokeNodeRequest(null) : JSON.readValue(body, RevokeNodeRequest.class);
        String reason = r.reason() == null || r.reason().isBlank() ? "revoked by " + actor : r.reason();
        if (reason.length() > 256) {
          throw new IllegalArgumentException("reason is longer than 256 characters");
        }
        Optional<NodeRecord> n = service.store().node(nodeId);
        if (n.isEmpty()) {
          yield error(404, "no node " + nodeId);
        }
        if (n.get().isRevoked()) {
          yield error(409, "node " + nodeId + " is already revoked");
        }
        service.revokeNode(nodeId, reason, actor);
        yield ok(view(service.store().node(nodeId).orElseThrow()));
      }
      case "GET policy" -> {
        read(actor, "policy.show", "policy");
        yield ok(view(service.policy()));
      }
      case "PUT policy" -> ok(view(service.setPolicy(body, actor)));
      case "GET audit" -> {
        int limit = limit(query.get("limit"));
        read(actor, "audit.list", "audit_events");
        yield ok(service.store().auditEvents(limit).stream().map(AdminApi::view).toList());
      }
      default -> error(resource.matches("keys|nodes|policy|audit") ? 405 : 404,
          "no such operation: " + method + " " + String.join("/", p));
    };
  }

  private Response createKey(CreateKeyRequest r, String actor) {
    if (r.tenant() == null || r.role() == null) {
      throw new IllegalArgumentException("tenant and role are required");
    }
    NodeRole role = CoordinatorStore.roleOf(r.role());
    Duration expiry = Duration.ofSeconds(r.expirySeconds() == null ? Duration.ofDays(1).toSeconds() : r.expirySeconds());
    CoordinatorService.CreatedKey k = service.createPreAuthKey(r.tenant(), role,
        r.tags() == null ? List.of() : r.tags(), r.reusable(), r.ephemeral(), expiry,
        r.description() == null ? "" : r.description(), actor);
    return new Response(201, JSON.writeValueAsString(new CreatedKey(k.secretText(), view(k.record()))));
  }

  private void read(String actor, String action, String target) {
    service.store().audit(actor, action, target, "", service.clock().instant());
  }

  private static long nodeId(String id) {
    try {
      long n = Long.parseLong(id);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("'" + CoordinatorService.printable(id) + "' is not a node id; accepted: a positive number");
  }

  private static int limit(String text) {
    if (text == null) {
      return AUDIT_DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(text);
      if (n >= 1 && n <= AUDIT_MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("limit '" + CoordinatorService.printable(text) + "' is not accepted; accepted: 1.." + AUDIT_MAX_LIMIT);
  }

  private KeyView view(PreAuthKeyRecord k) {
    return new KeyView(k.keyId(), k.tenant(), CoordinatorStore.roleText(k.role()), k.tags(), k.reusable(),
        k.ephemeral(), k.description(), k.createdAt().toString(), k.createdBy(), k.expiresAt().toString(),
        k.state(service.clock().instant()), k.useCount(), k.revokedAt().map(Instant::toString).orElse(null));
  }

  private NodeView view(NodeRecord n) {
    boolean mesh = n.role() != NodeRole.NODE_ROLE_RELAY;
    return new NodeView(n.nodeId(), n.name(), n.tenant(), CoordinatorStore.roleText(n.role()), n.tags(), n.ephemeral(),
        mesh ? MeshAddresses.ipv4(n.nodeId()).toString() : null,
        mesh ? MeshAddresses.ipv6(service.ula(), n.nodeId()).toString() : null,
        n.machineKey().toBase64(), n.nodeKey().toBase64(), n.nodeKeyExpiresAt().toString(),
        n.previousNodeKey().map(k -> k.toBase64()).orElse(null),
        n.previousKeyValidUntil().map(Instant::toString).orElse(null),
        n.endpoints().stream().map(AdminApi::text).toList(), n.homeRelay(), n.preAuthKeyId(),
        n.createdAt().toString(), n.lastSeenAt().toString(), n.revokedAt().map(Instant::toString).orElse(null),
        n.revokedReason().orElse(null));
  }

  private static String text(IpEndpoint e) {
    IpLiteral ip = IpLiteral.ofBytes(e.getIp().toByteArray());
    return (ip.isIpv4() ? ip.toString() : "[" + ip + "]") + ":" + e.getPort();
  }

  private static PolicyView view(PolicyRecord p) {
    return new PolicyView(p.version(), p.document(), p.createdAt().toString(), p.createdBy());
  }

  private static AuditView view(AuditEvent e) {
    return new AuditView(e.eventId(), e.at().toString(), e.actor(), e.action(), e.target(), e.detail());
  }

  private static Response ok(Object body) {
    return new Response(200, JSON.writeValueAsString(body));
  }

  private static Response error(int status, String message) {
    return new Response(status, JSON.writeValueAsString(new ErrorView(message, List.of())));
  }
}
