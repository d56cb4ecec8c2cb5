package com.oversoc.mesh.relay.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.oversoc.mesh.protocol.key.NodePrivateKey;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import com.oversoc.mesh.protocol.relay.CloseReason;
import com.oversoc.mesh.protocol.time.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.japi.Pair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdmissionTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final ManualClock clock = new ManualClock();
  private final ActiveKeySet keys = new ActiveKeySet(clock);
  private final Admission admission = new Admission(keys, Duration.ofMinutes(5), clock);

  private static NodePublicKey key() {
    return NodePrivateKey.generate(RANDOM).publicKey();
  }

  private CloseReason refusal(NodePublicKey k) {
    return assertInstanceOf(Admission.Refuse.class, admission.decide(k)).reason();
  }

  @Test
  void beforeTheFirstSnapshotNobodyIsAdmitted() {
    NodePublicKey k = key();
    assertEquals(CloseReason.ADMISSION_UNAVAILABLE, refusal(k));
    keys.replaceAll(List.of(k));
    assertInstanceOf(Admission.Admit.class, admission.decide(k));
  }

  @Test
  void unknownAndRevokedKeysAreRefusedWithDistinctReasons() {
    NodePublicKey active = key();
    NodePublicKey revoked = key();
    keys.replaceAll(List.of(active, revoked));
    keys.revoke(revoked);
    assertInstanceOf(Admission.Admit.class, admission.decide(active));
    assertEquals(CloseReason.REVOKED, refusal(revoked));
    assertEquals(CloseReason.NOT_ENROLLED, refusal(key()));
  }

  @Test
  void aStaleViewFailsClosedAndAHeartbeatReopensIt() {
    NodePublicKey k = key();
    keys.replaceAll(List.of(k));
    clock.advance(Duration.ofMinutes(5));
    assertInstanceOf(Admission.Admit.class, admission.decide(k), "exactly the grace period is still fine");
    clock.advance(Duration.ofSeconds(1));
    Admission.Refuse r = assertInstanceOf(Admission.Refuse.class, admission.decide(k));
    assertEquals(CloseReason.ADMISSION_UNAVAILABLE, r.reason());
    assertTrue(r.detail().contains("301 s"), r.detail());
    keys.confirm();
    assertInstanceOf(Admission.Admit.class, admission.decide(k));
  }

  @Test
  void removalsReachListenersWithTheirKind() throws Exception {
    NodePublicKey a = key();
    NodePublicKey b = key();
    NodePublicKey c = key();
    keys.replaceAll(List.of(a, b, c));
    List<Pair<NodePublicKey, ActiveKeys.Status>> removed = new ArrayList<>();
    AutoCloseable handle = keys.onRemoved((k, s) -> removed.add(Pair.create(k, s)));
    keys.revoke(a);
    keys.remove(b);
    keys.replaceAll(List.of(a)); // c disappears from the snapshot; a is re-enrolled
    assertEquals(List.of(Pair.create(a, ActiveKeys.Status.REVOKED), Pair.create(b, ActiveKeys.Status.UNKNOWN),
        Pair.create(c, ActiveKeys.Status.UNKNOWN)), removed);
    assertEquals(ActiveKeys.Status.ACTIVE, keys.status(a), "re-enrolling clears the revocation");
    handle.close();
    keys.revoke(a);
    assertEquals(3, removed.size(), "no calls after the handle is closed");
  }

  @Test
  void theAllowListReadsKeysNamesAndComments(@TempDir Path dir) throws IOException {
    NodePublicKey a = key();
    NodePublicKey b = key();
    Path file = dir.resolve("allow.keys");
    Files.writeString(file, "# lab\n\n" + a.toBase64() + "  gateway-lab-1\n   " + b.toBase64() + " # platform\n");
    StaticAllowList list = new StaticAllowList(file, keys);
    list.refresh();
    assertEquals(ActiveKeys.Status.ACTIVE, keys.status(a));
    assertEquals(ActiveKeys.Status.ACTIVE, keys.status(b));
    assertEquals(2, keys.size());

    Files.writeString(file, a.toBase64() + "\n");
    List<NodePublicKey> removed = new ArrayList<>();
    keys.onRemoved((k, s) -> removed.add(k));
    list.refresh();
    assertEquals(List.of(b), removed, "a key deleted from the file is disconnected");
  }

  @Test
  void aBadAllowListLineNamesFileAndLineAndKeepsTheLastGoodList(@TempDir Path dir) throws IOException {
    NodePublicKey a = key();
    Path file = dir.resolve("allow.keys");
    Files.writeString(file, a.toBase64() + "\n");
    StaticAllowList list = new StaticAllowList(file, keys);
    list.refresh();
    clock.advance(Duration.ofMinutes(1));
    Files.writeString(file, a.toBase64() + "\nnot-a-key\n");
    StaticAllowList.AllowListException e = assertThrows(StaticAllowList.AllowListException.class, list::refresh);
    assertTrue(e.getMessage().startsWith(file + ":2: "), e.getMessage());
    assertEquals(ActiveKeys.Status.ACTIVE, keys.status(a), "the last good list stays");
    assertEquals(0, keys.confirmedAtNanos().getAsLong(), "but is no longer confirmed, so the grace period runs");
  }
}
