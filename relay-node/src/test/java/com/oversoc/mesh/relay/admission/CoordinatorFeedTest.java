package com.oversoc.mesh.relay.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.oversoc.mesh.protocol.control.ControlClientSession;
import com.oversoc.mesh.protocol.control.ControlProtocol;
import com.oversoc.mesh.protocol.control.pb.ActiveKey;
import com.oversoc.mesh.protocol.control.pb.ActiveKeysUpdate;
import com.oversoc.mesh.protocol.control.pb.ControlError;
import com.oversoc.mesh.protocol.control.pb.Keepalive;
import com.oversoc.mesh.protocol.control.pb.NodeRole;
import com.oversoc.mesh.protocol.control.pb.Registration;
import com.oversoc.mesh.protocol.control.pb.ServerHello;
import com.oversoc.mesh.protocol.control.pb.ServerMessage;
import com.oversoc.mesh.protocol.key.CoordinatorPrivateKey;
import com.oversoc.mesh.protocol.key.MachinePrivateKey;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.relay.CloseReason;
import com.oversoc.mesh.protocol.time.ManualClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.pekko.japi.Pair;
import org.junit.jupiter.api.Test;

/**
 * The relay's view of the active keys as the coordinator's feed builds it, message by message,
 * through the same session a relay's control client runs.
 */
class CoordinatorFeedTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-06-01T12:00:00Z"));
  private final ActiveKeySet keys = new ActiveKeySet(clock, clock);
  private final Admission admission = new Admission(keys, Duration.ofMinutes(5), clock);
  private final CoordinatorFeed feed = new CoordinatorFeed(keys);
  private final List<Pair<NodePublicKey, ActiveKeys.Status>> removed = new ArrayList<>();
  private final NodePublicKey a = key();
  private final NodePublicKey b = key();
  private final NodePublicKey c = key();

  CoordinatorFeedTest() {
    keys.onRemoved((k, s) -> removed.add(Pair.create(k, s)));
  }

  private static NodePublicKey key() {
    return NodePrivateKey.generate(RANDOM).publicKey();
  }

  /** A relay's session on a new connection, past the hello. */
  private ControlClientSession connected() {
    ControlClientSession s = new ControlClientSession(ControlClientSession.Mode.RELAY,
        MachinePrivateKey.generate(RANDOM).publicKey(), NodePrivateKey.generate(RANDOM),
        CoordinatorPrivateKey.generate(RANDOM).publicKey(), Optional.empty(), "relay-1", "test");
    deliver(s, ServerMessage.newBuilder().setHello(ServerHello.newBuilder()
        .setCapabilityVersion(ControlProtocol.CAPABILITY_VERSION).setEnrolled(true)
        .setSessionNonce(ByteString.copyFrom(new byte[ControlProtocol.SESSION_NONCE_BYTES]))
        .setRegistration(Registration.newBuilder().setNodeId(1).setRole(NodeRole.NODE_ROLE_RELAY))).build());
    return s;
  }

  /** What the control client does with each frame: the session applies it, then the feed sees it. */
  private ControlClientSession.Reaction deliver(ControlClientSession s, ServerMessage m) {
    ControlClientSession.Reaction r = s.onMessage(m);
    feed.onMessage(s, m, r);
    return r;
  }

  private Instant in(Duration d) {
    return clock.instant().plus(d);
  }

  private static ActiveKey entry(NodePublicKey k, long nodeId, Instant expires) {
    return ActiveKey.newBuilder().setNodeKey(ByteString.copyFrom(k.bytes())).setNodeId(nodeId)
        .setExpiresUnixMs(expires.toEpochMilli()).build();
  }

  private static ServerMessage keys(ActiveKeysUpdate.Builder u) {
    return ServerMessage.newBuilder().setActiveKeys(u).build();
  }

  private static ServerMessage keepalive() {
    return ServerMessage.newBuilder().setKeepalive(Keepalive.getDefaultInstance()).build();
  }

  @Test
  void aFullSetThenDeltasAndKeepalivesKeepTheViewCurrent() {
    ControlClientSession s = connected();
    deliver(s, keepalive());
    assertEquals(OptionalLong.empty(), keys.confirmedAtNanos(), "a keepalive before the first full set confirms nothing");
    assertEquals(CloseReason.ADMISSION_UNAVAILABLE, refusal(a));

    deliver(s, keys(ActiveKeysUpdate.newBuilder().setSeq(1).setFull(true)
        .addAdded(entry(a, 10, in(Duration.ofDays(30)))).addAdded(entry(b, 11, in(Duration.ofDays(30))))));
    assertInstanceOf(Admission.Admit.class, admission.decide(a));
    assertInstanceOf(Admission.Admit.class, admission.decide(b));
    assertEquals(CloseReason.NOT_ENROLLED, refusal(c));

    // Quiet for four minutes, then a keepalive: the grace period starts over.
    clock.advance(Duration.ofMinutes(4));
    deliver(s, keepalive());
    assertEquals(clock.nanos(), keys.confirmedAtNanos().getAsLong());
    clock.advance(Duration.ofMinutes(4));
    assertInstanceOf(Admission.Admit.class, admission.decide(a), "eight minutes after the set, four after a keepalive");

    deliver(s, keys(ActiveKeysUpdate.newBuilder().setSeq(2).setFull(false)
        .addRevoked(ByteString.copyFrom(a.bytes())).addRemoved(ByteString.copyFrom(b.bytes()))
        .addAdded(entry(c, 12, in(Duration.ofHours(1))))));
    assertEquals(List.of(Pair.create(b, ActiveKeys.Status.UNKNOWN), Pair.create(a, ActiveKeys.Status.REVOKED)), removed,
        "both leave at once and the relay closes their connections");
    assertEquals(CloseReason.REVOKED, refusal(a));
    assertEquals(CloseReason.NOT_ENROLLED, refusal(b));
    assertInstanceOf(Admission.Admit.class, admission.decide(c));
  }

  @Test
  void aKeyPastItsExpiryIsRefusedEvenWhenNoRemovalArrives() {
    ControlClientSession s = connected();
    deliver(s, keys(ActiveKeysUpdate.newBuilder().setSeq(1).setFull(true).addAdded(entry(a, 10, in(Duration.ofMinutes(2))))));
    assertInstanceOf(Admission.Admit.class, admission.decide(a));
    clock.advance(Duration.ofMinutes(2));
    Admission.Refuse r = assertInstanceOf(Admission.Refuse.class, admission.decide(a));
    assertEquals(CloseReason.NOT_ENROLLED, r.reason());
    assertTrue(r.detail().contains("has expired"), r.detail());
    assertEquals(ActiveKeys.Status.EXPIRED, keys.status(a));
  }

  @Test
  void anUpdateTheSessionRefusesChangesNothingAndTheNextConnectionsFullSetRebuildsTheView() {
    ControlClientSession s = connected();
    deliver(s, keys(ActiveKeysUpdate.newBuilder().setSeq(1).setFull(true)
        .addAdded(entry(a, 10, in(Duration.ofDays(1)))).addAdded(entry(b, 11, in(Duration.ofDays(1))))));
    long confirmed = keys.confirmedAtNanos().getAsLong();
    clock.advance(Duration.ofSeconds(30));

    ControlClientSession.Reaction gap = deliver(s, keys(ActiveKeysUpdate.newBuilder().setSeq(3).setFull(false)
        .addRevoked(ByteString.copyFrom(a.bytes()))));
    assertEquals(ControlError.Code.UNEXPECTED_MESSAGE, gap.error().orElseThrow().code());
    assertEquals(ActiveKeys.Status.ACTIVE, keys.status(a), "a delta that does not follow is not applied");
    assertEquals(confirmed, keys.confirmedAtNanos().getAsLong(), "nor does it confirm the view");
    assertEquals(List.of(), removed);

    // The client reconnects; the new connection's full set no longer lists b.
    ControlClientSession next = connected();
    deliver(next, keys(ActiveKeysUpdate.newBuilder().setSeq(1).setFull(true).addAdded(entry(a, 10, in(Duration.ofDays(1))))));
    assertEquals(List.of(Pair.create(b, ActiveKeys.Status.UNKNOWN)), removed);
    assertEquals(clock.nanos(), keys.confirmedAtNanos().getAsLong());
  }

  private CloseReason refusal(NodePublicKey k) {
    return assertInstanceOf(Admission.Refuse.class, admission.decide(k)).reason();
  }
}
