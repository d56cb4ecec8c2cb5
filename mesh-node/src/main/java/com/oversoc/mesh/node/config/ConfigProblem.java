package com.oversoc.mesh.node.config;

/**
 * One mistake in a configuration, printed as one line:
 * {@code [origin: ]key: what is wrong; accepted: what is accepted}.
 *
 * @param origin where the bad value came from ("gateway.conf:12", "environment variable
 *     OVSGW_CONFIG_NODE_NAME"), or empty when the value is missing altogether
 * @param key the full HOCON path, e.g. {@code ovsgw.direct.listen-port}, or empty when the
 *     problem is with the file as a whole (missing, unparseable)
 * @param message what is wrong and what is accepted
 */
public record ConfigProblem(String origin, String key, String message) {

  @Override
  public String toString() {
    return (origin.isEmpty() ? "" : origin + ": ") + (key.isEmpty() ? "" : key + ": ") + message;
  }
}
