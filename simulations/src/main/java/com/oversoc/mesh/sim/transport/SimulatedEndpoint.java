package com.oversoc.mesh.sim.transport;

import com.oversoc.mesh.protocol.transport.Connection;
import com.oversoc.mesh.protocol.transport.Poll;
import com.oversoc.mesh.protocol.transport.TransportEvent;
import com.oversoc.mesh.sim.link.Scheduler;
import com.oversoc.mesh.sim.link.SimulatedLink;
import java.util.List;
import java.util.function.Consumer;

/**
 * Drives one {@link Connection} in virtual time the way the mesh node will drive it for real:
 * every arriving datagram, application action and timer ends in {@link #service()}, which polls
 * the connection, puts its datagrams on the outgoing link and arms one timer for the deadline.
 */
public final class SimulatedEndpoint {
  /** The application on top of the connection; it may call back into the endpoint's connection. */
  public interface Application {
    void onEvent(TransportEvent event, SimulatedEndpoint endpoint);
  }

  private final Scheduler scheduler;
  private final Connection connection;
  private SimulatedLink outgoing;
  private Consumer<byte[]> peerInbox;
  private Application application = (e, ep) -> { };
  private long timerAt = Long.MAX_VALUE;
  private long datagramsIn;

  public SimulatedEndpoint(Scheduler scheduler, Connection connection) {
    this.scheduler = scheduler;
    this.connection = connection;
  }

  /** Connects this endpoint's sending side to {@code peer} over {@code link}. */
  public void sendTo(SimulatedLink link, SimulatedEndpoint peer) {
    this.outgoing = link;
    this.peerInbox = peer::receive;
  }

  public void setApplication(Application application) {
    this.application = application;
  }

  public Connection connection() {
    return connection;
  }

  public long now() {
    return scheduler.now();
  }

  public long datagramsIn() {
    return datagramsIn;
  }

  /** A datagram arrives from the link. */
  public void receive(byte[] datagram) {
    datagramsIn++;
    connection.onDatagram(datagram, scheduler.now());
    service();
  }

  /** Lets the connection act: deliver events, send what it may, re-arm the timer. */
  public void service() {
    long now = scheduler.now();
    while (true) {
      dispatchEvents();
      Poll poll = connection.poll(now);
      for (byte[] d : poll.datagrams()) {
        outgoing.send(d, peerInbox);
      }
      List<TransportEvent> more = connection.takeEvents();
      if (more.isEmpty()) {
        arm(poll.nextDeadline());
        return;
      }
      for (TransportEvent e : more) {
        application.onEvent(e, this);
      }
    }
  }

  private void dispatchEvents() {
    List<TransportEvent> events;
    while (!(events = connection.takeEvents()).isEmpty()) {
      for (TransportEvent e : events) {
        application.onEvent(e, this);
      }
    }
  }

  private void arm(long deadline) {
    if (deadline == Long.MAX_VALUE || deadline >= timerAt) {
      return;
    }
    timerAt = deadline;
    scheduler.at(deadline, () -> {
      if (scheduler.now() >= timerAt) {
        timerAt = Long.MAX_VALUE;
        service();
      }
    });
  }
}
