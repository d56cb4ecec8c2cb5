package com.oversoc.mesh.protocol.stun;

import com.oversoc.mesh.protocol.stun.StunAttribute.Address;
import com.oversoc.mesh.protocol.stun.StunAttribute.AddressKind;
import java.util.List;
import java.util.Optional;

/**
 * A STUN message.
 *
 * @param magicCookie {@link StunProtocol#MAGIC_COOKIE}, or for an RFC 3489 message the first
 *     four bytes of its 128-bit transaction id
 * @param attributes in wire order, FINGERPRINT excluded
 * @param fingerprinted on decode, whether a valid FINGERPRINT ended the message; on encode,
 *     whether to add one
 */
public record StunMessage(
    StunClass messageClass,
    int method,
    int magicCookie,
    TransactionId transactionId,
    List<StunAttribute> attributes,
    boolean fingerprinted) {

  public StunMessage {
    if (method < 0 || method > 0xfff) {
      throw new IllegalArgumentException("a STUN method is 12 bits, got " + method);
    }
    attributes = List.copyOf(attributes);
  }

  /** A Binding request as a node sends it: RFC 8489, with FINGERPRINT. */
  public static StunMessage bindingRequest(TransactionId id) {
    return new StunMessage(StunClass.REQUEST, StunProtocol.METHOD_BINDING, StunProtocol.MAGIC_COOKIE, id,
        List.of(), true);
  }

  /** True for an RFC 3489 message (no magic cookie). */
  public boolean isClassic() {
    return magicCookie != StunProtocol.MAGIC_COOKIE;
  }

  public boolean isBinding() {
    return method == StunProtocol.METHOD_BINDING;
  }

  /** The first attribute of this type, as RFC 8489 says only the first occurrence counts. */
  public <A extends StunAttribute> Optional<A> first(Class<A> type) {
    return attributes.stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  /** The first address attribute of this kind. */
  public Optional<TransportAddress> address(AddressKind kind) {
    return attributes.stream()
        .filter(a -> a instanceof Address x && x.kind() == kind)
        .map(a -> ((Address) a).address())
        .findFirst();
  }

  /** XOR-MAPPED-ADDRESS if present, else MAPPED-ADDRESS (what an RFC 3489 server sends). */
  public Optional<TransportAddress> mappedAddress() {
    return address(AddressKind.XOR_MAPPED).or(() -> address(AddressKind.MAPPED));
  }
}
