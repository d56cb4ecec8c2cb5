package com.oversoc.mesh.relay.admission;

import com.oversoc.mesh.protocol.key.KeyFormatException;
import com.oversoc.mesh.protocol.key.NodePublicKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A file of node keys a lab relay admits without a coordinator: one base64 key per line,
 * optionally followed by a name, with {@code #} comments and blank lines. The relay re-reads it
 * periodically ({@link #refresh}): a key deleted from the file is disconnected like a revoked
 * one, and a file that cannot be read leaves the last good list in place but stops confirming
 * it, so the relay fails closed once the grace period has passed.
 *
 * <pre>
 * # lab mesh, 2026-03
 * 3m1tU8N0Lv4Zr0Oo1cD0q0rZ9S3Zy0+fQ9b1oO2r0nE=  gateway-lab-1
 * </pre>
 */
public final class StaticAllowList {
  private final Path file;
  private final ActiveKeySet target;

  public StaticAllowList(Path file, ActiveKeySet target) {
    this.file = file;
    this.target = target;
  }

  /** Reads the file into the target set. On failure the set keeps its last content unconfirmed. */
  public void refresh() throws IOException {
    target.replaceAll(load(file));
  }

  /**
   * Parses the file.
   *
   * @throws IOException if it cannot be read, or (as {@link AllowListException}) if a line is not
   *     a key; the message names the file and line
   */
  public static List<NodePublicKey> load(Path file) throws IOException {
    return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
  }

  static List<NodePublicKey> parse(List<String> lines, String origin) throws AllowListException {
    List<NodePublicKey> keys = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (content.isEmpty()) {
        continue;
      }
      String token = content.split("\\s+", 2)[0];
      try {
        keys.add(NodePublicKey.parse(token));
      } catch (KeyFormatException e) {
        throw new AllowListException(origin + ":" + (i + 1) + ": " + e.getMessage());
      }
    }
    return keys;
  }

  /** A line of the allow-list is not a key. */
  public static final class AllowListException extends IOException {
    private static final long serialVersionUID = 1L;

    public AllowListException(String message) {
      super(message);
    }
  }
}
