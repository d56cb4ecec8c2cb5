package com.oversoc.mesh.node.e2e;

import com.oversoc.mesh.node.local.SampleApi;
import java.net.InetSocketAddress;

/** The sample API as a process of its own, for a lab host behind the gateway: {@code ApiServer IP PORT}. */
public final class ApiServer {
  private ApiServer() {
  }

  public static void main(String[] args) throws Exception {
    SampleApi api = SampleApi.start(new InetSocketAddress(com.oversoc.mesh.protocol.net.IpLiteral.parse(args[0]).toInetAddress(), Integer.parseInt(args[1])));
    System.out.println("listening " + api.address().getAddress().getHostAddress() + ":" + api.address().getPort());
    Thread.sleep(Long.MAX_VALUE);
  }
}
