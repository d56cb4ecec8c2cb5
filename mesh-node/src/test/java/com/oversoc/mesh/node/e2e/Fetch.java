package com.oversoc.mesh.node.e2e;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * An HTTP client as a process of its own, for the platform's host: {@code Fetch URL [BYTES_PER_SECOND]}
 * reads the body (at most that fast, so that a transfer lasts as long as a test needs it to) and
 * prints, with the wall-clock time in milliseconds:
 *
 * <pre>
 *  start MILLIS                   before it connects
 *  progress BYTES MILLIS          every PROGRESS_BYTES
 *  done BYTES SHA256 MILLIS       the whole body arrived; exit code 0
 *  failed BYTES MILLIS WHY        the connection failed first; exit code 1
 * </pre>
 */
public final class Fetch {
  static final long PROGRESS_BYTES = 4L << 20;
  private static final int TIMEOUT_MILLIS = 60_000;

  private Fetch() {
  }

  public static void main(String[] args) throws Exception {
    URI uri = URI.create(args[0]);
    long rate = args.length > 1 ? Long.parseLong(args[1]) : 0;
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    long bytes = 0;
    System.out.println("start " + System.currentTimeMillis());
    try {
      HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
      c.setConnectTimeout(TIMEOUT_MILLIS);
      c.setReadTimeout(TIMEOUT_MILLIS);
      if (c.getResponseCode() != 200) {
        throw new java.io.IOException("HTTP " + c.getResponseCode());
      }
      long start = System.nanoTime();
      long nextProgress = PROGRESS_BYTES;
      byte[] buffer = new byte[64 * 1024];
      try (InputStream in = c.getInputStream()) {
        int n;
        while ((n = in.read(buffer)) > 0) {
          sha.update(buffer, 0, n);
          bytes += n;
          if (bytes >= nextProgress) {
            System.out.println("progress " + bytes + " " + System.currentTimeMillis());
            nextProgress += PROGRESS_BYTES;
          }
          if (rate > 0) {
            long due = start + bytes * 1_000_000_000L / rate;
            long wait = due - System.nanoTime();
            if (wait > 0) {
              Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
          }
        }
      }
      long expected = c.getContentLengthLong();
      if (expected >= 0 && bytes != expected) {
        throw new java.io.IOException("the body ended after " + bytes + " of " + expected + " bytes");
      }
    } catch (Exception e) {
      System.out.println("failed " + bytes + " " + System.currentTimeMillis() + " " + e);
      System.exit(1);
    }
    System.out.println("done " + bytes + " " + HexFormat.of().formatHex(sha.digest()) + " " + System.currentTimeMillis());
  }
}
