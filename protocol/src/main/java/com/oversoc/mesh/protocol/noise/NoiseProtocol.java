package com.oversoc.mesh.protocol.noise;

import static com.oversoc.mesh.protocol.noise.NoiseProtocol.Token.E;
import static com.oversoc.mesh.protocol.noise.NoiseProtocol.Token.EE;
import static com.oversoc.mesh.protocol.noise.NoiseProtocol.Token.ES;
import static com.oversoc.mesh.protocol.noise.NoiseProtocol.Token.PSK;
import static com.oversoc.mesh.protocol.noise.NoiseProtocol.Token.S;
import static com.oversoc.mesh.protocol.noise.NoiseProtocol.Token.SE;
import static com.oversoc.mesh.protocol.noise.NoiseProtocol.Token.SS;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The Noise protocols this core runs: a handshake pattern with the 25519 DH, the ChaChaPoly
 * cipher and the BLAKE2s hash. The patterns are data (a list of token lists), so adding one is
 * adding a constant here.
 */
public enum NoiseProtocol {
  /**
   * {@code Noise_IK_25519_ChaChaPoly_BLAKE2s}: the initiator knows the responder's static key
   * in advance ({@code <- s}) and sends its own encrypted in the first message. The control
   * plane and relay links use it with a protocol prologue.
   */
  IK("Noise_IK_25519_ChaChaPoly_BLAKE2s", List.of(S), List.of(
      List.of(E, ES, S, SS),
      List.of(E, EE, SE))),

  /**
   * {@code Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s}: IK with a preshared key mixed in at the end of
   * the second message. WireGuard is this protocol with its own prologue and payloads.
   */
  IK_PSK2("Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s", List.of(S), List.of(
      List.of(E, ES, S, SS),
      List.of(E, EE, SE, PSK)));

  /** Tokens of Noise handshake patterns (Noise specification section 7). */
  enum Token { E, S, EE, ES, SE, SS, PSK }

  private final String protocolName;
  private final List<Token> responderPreMessage;
  private final List<List<Token>> messages;
  private final boolean pskMode;

  NoiseProtocol(String protocolName, List<Token> responderPreMessage, List<List<Token>> messages) {
    this.protocolName = protocolName;
    this.responderPreMessage = responderPreMessage;
    this.messages = messages;
    this.pskMode = messages.stream().anyMatch(m -> m.contains(PSK));
  }

  /** The full protocol name, the input of the handshake's first hash. */
  public String protocolName() {
    return protocolName;
  }

  byte[] protocolNameBytes() {
    return protocolName.getBytes(StandardCharsets.US_ASCII);
  }

  /** Keys the initiator knows before the handshake ({@code <- s} for IK). */
  List<Token> responderPreMessage() {
    return responderPreMessage;
  }

  /** Number of handshake messages; IK has two. */
  public int messageCount() {
    return messages.size();
  }

  List<Token> message(int index) {
    return messages.get(index);
  }

  /** Whether the pattern has a {@code psk} modifier (then {@code e} also mixes into the key). */
  public boolean usesPresharedKey() {
    return pskMode;
  }

  /** Bytes the tokens of message {@code index} add before its payload, for a sender holding a key or not. */
  int overhead(int index) {
    boolean hasKey = false;
    int length = 0;
    for (Token token : messages.get(index)) {
      switch (token) {
        case E -> {
          length += HandshakeState.DH_LENGTH;
          hasKey |= pskMode;
        }
        case S -> length += HandshakeState.DH_LENGTH + (hasKey ? CipherState.TAG_LENGTH : 0);
        case EE, ES, SE, SS, PSK -> hasKey = true;
      }
    }
    return length + (hasKey ? CipherState.TAG_LENGTH : 0);
  }

  @Override
  public String toString() {
    return protocolName;
  }
}
