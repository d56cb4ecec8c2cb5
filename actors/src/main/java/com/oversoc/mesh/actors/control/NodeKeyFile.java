package com.oversoc.mesh.actors.control;

import com.oversoc.mesh.actors.keyfile.KeyFile;
import com.oversoc.mesh.protocol.key.NodePrivateKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The node key (the WireGuard static key) in the state directory, {@code node.key}, and during
 * a rotation the next one, {@code node.key.next}: both {@link KeyFile}s (0600). The next key is
 * written before the coordinator is asked to take it and renamed over {@code node.key} once it
 * has, so at every moment one of the two files holds the key the coordinator knows.
 */
public final class NodeKeyFile {
  public static final String FILE_NAME = "node.key";
  public static final String NEXT_FILE_NAME = "node.key.next";

  private final Path stateDir;

  public NodeKeyFile(Path stateDir) {
    this.stateDir = stateDir;
  }

  /** @throws IOException if the file cannot be read or written, others may read it, or it holds no key */
  public KeyFile.Loaded<NodePrivateKey> loadOrCreate(SecureRandom random) throws IOException {
    return KeyFile.loadOrCreate(stateDir, FILE_NAME, NodePrivateKey::parse, () -> NodePrivateKey.generate(random));
  }

  /** Writes {@code next} as the next key (replacing an earlier one that was never committed). */
  public void prepare(NodePrivateKey next) throws IOException {
    Path tmp = Files.createTempFile(stateDir, NEXT_FILE_NAME, ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(tmp, next.toBase64() + "\n", StandardCharsets.US_ASCII);
      Files.move(tmp, stateDir.resolve(NEXT_FILE_NAME), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The next key, if one was prepared and not committed. */
  public Optional<NodePrivateKey> prepared() throws IOException {
    Path next = stateDir.resolve(NEXT_FILE_NAME);
    return Files.exists(next) ? Optional.of(KeyFile.read(next, NodePrivateKey::parse)) : Optional.empty();
  }

  /**
   * Makes the prepared key {@code key} the node key: one rename, so a crash leaves either file
   * complete.
   *
   * @throws IOException if {@code key} is not the prepared key
   */
  public void commit(NodePrivateKey key) throws IOException {
    Optional<NodePrivateKey> next = prepared();
    if (next.isEmpty() || !next.get().publicKey().equals(key.publicKey())) {
      throw new IOException("the key to commit is not the one prepared in " + stateDir.resolve(NEXT_FILE_NAME));
    }
    Files.move(stateDir.resolve(NEXT_FILE_NAME), stateDir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  public Path file() {
    return stateDir.resolve(FILE_NAME);
  }

  /**
   * The rotation a mesh node's control client runs with: the next key prepared and committed in
   * these files, then {@code switchTo} told of the new key (the data plane, the relay
   * connections), once the file holds it.
   */
  public NodeKeyRotation rotation(BiConsumer<NodePrivateKey, Instant> switchTo) {
    return new NodeKeyRotation() {
      @Override
      public void prepare(NodePrivateKey next) throws IOException {
        NodeKeyFile.this.prepare(next);
      }

      @Override
      public Optional<NodePrivateKey> prepared() throws IOException {
        return NodeKeyFile.this.prepared();
      }

      @Override
      public void committed(NodePrivateKey next, Instant previousValidUntil) throws IOException {
        commit(next);
        switchTo.accept(next, previousValidUntil);
      }
    };
  }
}
