package com.oversoc.mesh.protocol.noise;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The cacophony test vectors kept in {@code noise/cacophony-ik.json} (verbatim entries of the
 * public vector file), read with a small JSON reader: the file holds only objects, arrays and
 * strings.
 */
record CacophonyVectors(List<Vector> vectors) {
  record Message(byte[] payload, byte[] ciphertext) {}

  record Vector(String protocolName, byte[] initPrologue, byte[] initStatic, byte[] initEphemeral,
      byte[] initRemoteStatic, byte[] initPsk, byte[] respPrologue, byte[] respStatic, byte[] respEphemeral,
      byte[] respPsk, byte[] handshakeHash, List<Message> messages) {}

  static CacophonyVectors load(String resource) throws IOException {
    String text;
    try (InputStream in = Objects.requireNonNull(CacophonyVectors.class.getResourceAsStream(resource), resource)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> root = (Map<String, Object>) new Reader(text).value();
    List<Vector> vectors = new ArrayList<>();
    for (Object o : (List<?>) root.get("vectors")) {
      Map<?, ?> v = (Map<?, ?>) o;
      List<Message> messages = new ArrayList<>();
      for (Object m : (List<?>) v.get("messages")) {
        Map<?, ?> mm = (Map<?, ?>) m;
        messages.add(new Message(hex(mm.get("payload")), hex(mm.get("ciphertext"))));
      }
      vectors.add(new Vector((String) v.get("protocol_name"), hex(v.get("init_prologue")), hex(v.get("init_static")),
          hex(v.get("init_ephemeral")), hex(v.get("init_remote_static")), firstPsk(v.get("init_psks")),
          hex(v.get("resp_prologue")), hex(v.get("resp_static")), hex(v.get("resp_ephemeral")),
          firstPsk(v.get("resp_psks")), hex(v.get("handshake_hash")), messages));
    }
    return new CacophonyVectors(vectors);
  }

  Vector named(String protocolName) {
    return vectors.stream().filter(v -> v.protocolName().equals(protocolName)).findFirst()
        .orElseThrow(() -> new AssertionError("no vector for " + protocolName));
  }

  private static byte[] hex(Object o) {
    return o == null ? null : HexFormat.of().parseHex((String) o);
  }

  private static byte[] firstPsk(Object o) {
    return o == null ? null : hex(((List<?>) o).get(0));
  }

  private static final class Reader {
    private final String s;
    private int at;

    Reader(String s) {
      this.s = s;
    }

    Object value() {
      skipSpace();
      char c = s.charAt(at);
      return switch (c) {
        case '{' -> object();
        case '[' -> array();
        case '"' -> string();
        default -> throw new IllegalArgumentException("unexpected '" + c + "' at " + at);
      };
    }

    private Map<String, Object> object() {
      Map<String, Object> out = new LinkedHashMap<>();
      at++;
      skipSpace();
      if (s.charAt(at) == '}') {
        at++;
        return out;
      }
      while (true) {
        skipSpace();
        String key = string();
        skipSpace();
        expect(':');
        out.put(key, value());
        skipSpace();
        if (s.charAt(at) == ',') {
          at++;
        } else {
          expect('}');
          return out;
        }
      }
    }

    private List<Object> array() {
      List<Object> out = new ArrayList<>();
      at++;
      skipSpace();
      if (s.charAt(at) == ']') {
        at++;
        return out;
      }
      while (true) {
        out.add(value());
        skipSpace();
        if (s.charAt(at) == ',') {
          at++;
        } else {
          expect(']');
          return out;
        }
      }
    }

    private String string() {
      expect('"');
      int end = s.indexOf('"', at);
      String out = s.substring(at, end);
      at = end + 1;
      return out;
    }

    private void expect(char c) {
      if (s.charAt(at) != c) {
        throw new IllegalArgumentException("expected '" + c + "' at " + at);
      }
      at++;
    }

    private void skipSpace() {
      while (Character.isWhitespace(s.charAt(at))) {
        at++;
      }
    }
  }
}
