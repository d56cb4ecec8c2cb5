package com.oversoc.mesh.protocol.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointTest {

  @ParameterizedTest
  @CsvSource({
    "coord.example.net:8443, coord.example.net, 8443",
    "192.0.2.1:443, 192.0.2.1, 443",
    "[2001:db8::1]:3478, 2001:db8::1, 3478",
    "localhost:1, localhost, 1",
  })
  void parsesHostAndPort(String text, String host, int port) {
    Endpoint e = Endpoint.parse(text);
    assertEquals(host, e.host());
    assertEquals(port, e.port());
    assertEquals(text, e.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "", "coord.example.net", "coord.example.net:", ":443", "host:0", "host:65536", "host:-1",
    "host:44a", "2001:db8::1:443", "[2001:db8::1]443", "bad_host:443", "-bad.example:443",
    "300.1.1.1:443", "host:443:1"
  })
  void refusesMalformedEndpoints(String text) {
    AddressFormatException e = assertThrows(AddressFormatException.class, () -> Endpoint.parse(text));
    assertTrue(e.getMessage().contains("accepted"), e.getMessage());
  }
}
