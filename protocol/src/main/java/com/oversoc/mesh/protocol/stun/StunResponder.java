package com.oversoc.mesh.protocol.stun;

import com.oversoc.mesh.protocol.stun.StunAttribute.Address;
import com.oversoc.mesh.protocol.stun.StunAttribute.AddressKind;
import com.oversoc.mesh.protocol.stun.StunAttribute.ChangeRequest;
import com.oversoc.mesh.protocol.stun.StunAttribute.ErrorCode;
import com.oversoc.mesh.protocol.stun.StunAttribute.Other;
import com.oversoc.mesh.protocol.stun.StunAttribute.Software;
import com.oversoc.mesh.protocol.stun.StunAttribute.UnknownAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a relay's STUN server answers to one datagram: a Binding success with the address the
 * request came from, an error for what it cannot do, or nothing. Pure; the server around it
 * only moves datagrams.
 *
 * <p>RFC 8489 clients get XOR-MAPPED-ADDRESS, SOFTWARE and FINGERPRINT and nothing else, so that a
 * spoofed 20-byte request buys an attacker only a few dozen bytes of reply. RFC 3489 clients (no magic
 * cookie, e.g. Debian's {@code stun} tool) get the attributes they understand: MAPPED-ADDRESS,
 * SOURCE-ADDRESS and CHANGED-ADDRESS. This server has a single address, so a CHANGE-REQUEST
 * asking for another address or port is answered with 420, as RFC 5780 section 6.1 asks of a
 * server without an alternate address.
 */
public final class StunResponder {
  /** What happened to a datagram, for metrics. */
  public enum Outcome {
    /** Answered with a Binding success. */
    ANSWERED,
    /** Answered with an error response (400, 420). */
    REFUSED,
    /** Not a STUN message, or a malformed one (including a wrong FINGERPRINT): dropped. */
    MALFORMED,
    /** A well-formed indication or response: nothing to answer. */
    NOT_A_REQUEST
  }

  /** @param reply the datagram to send back to the source, absent when nothing is sent */
  public record Reply(Outcome outcome, Optional<byte[]> reply) {}

  private final Software software;
  private final Optional<TransportAddress> local;

  /**
   * @param software the SOFTWARE text, e.g. "ovsgw 0.1.0"
   * @param local the address the server is bound to when it is a specific one; RFC 3489 clients
   *     get it in SOURCE-ADDRESS and CHANGED-ADDRESS. Empty for a wildcard bind.
   */
  public StunResponder(String software, Optional<TransportAddress> local) {
    this.software = new Software(software);
    this.local = local;
  }

  public Reply answer(byte[] datagram, int length, TransportAddress source) {
    StunMessage request;
    try {
      request = StunCodec.decode(datagram, length);
    } catch (StunFormatException e) {
      return new Reply(Outcome.MALFORMED, Optional.empty());
    }
    if (request.messageClass() != StunClass.REQUEST) {
      return new Reply(Outcome.NOT_A_REQUEST, Optional.empty());
    }
    if (!request.isBinding()) {
      return refuse(request, new ErrorCode(StunProtocol.ERROR_BAD_REQUEST, "Only Binding is served here"), List.of());
    }
    List<Integer> unknown = new ArrayList<>();
    for (StunAttribute a : request.attributes()) {
      if (a instanceof Other o && o.comprehensionRequired()) {
        unknown.add(o.type());
      } else if (a instanceof ChangeRequest c && (c.changeIp() || c.changePort())) {
        unknown.add(c.type());
      }
    }
    if (!unknown.isEmpty()) {
      return refuse(request, new ErrorCode(StunProtocol.ERROR_UNKNOWN_ATTRIBUTE,
          "Unknown attribute (this server has one address and cannot change it)"), unknown);
    }
    List<StunAttribute> attributes = new ArrayList<>();
    if (request.isClassic()) {
      attributes.add(new Address(AddressKind.MAPPED, source));
      local.ifPresent(l -> {
        attributes.add(new Address(AddressKind.SOURCE, l));
        attributes.add(new Address(AddressKind.CHANGED, l));
      });
    } else {
      attributes.add(new Address(AddressKind.XOR_MAPPED, source));
    }
    attributes.add(software);
    return new Reply(Outcome.ANSWERED, Optional.of(StunCodec.encode(response(request, StunClass.SUCCESS_RESPONSE, attributes))));
  }

  private Reply refuse(StunMessage request, ErrorCode error, List<Integer> unknown) {
    List<StunAttribute> attributes = new ArrayList<>();
    attributes.add(error);
    if (!unknown.isEmpty()) {
      attributes.add(new UnknownAttributes(unknown));
    }
    attributes.add(software);
    return new Reply(Outcome.REFUSED, Optional.of(StunCodec.encode(response(request, StunClass.ERROR_RESPONSE, attributes))));
  }

  private static StunMessage response(StunMessage request, StunClass cls, List<StunAttribute> attributes) {
    return new StunMessage(cls, request.method(), request.magicCookie(), request.transactionId(), attributes,
        !request.isClassic());
  }
}
