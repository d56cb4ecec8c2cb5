/**
 * Who may connect to the relay: the {@link com.oversoc.mesh.relay.admission.ActiveKeys} view of
 * the coordinator's active node keys (with its age, so the relay fails closed when the
 * coordinator is gone too long), the in-memory set that backs it, the two sources that fill it
 * (the coordinator's active-keys feed, {@link com.oversoc.mesh.relay.admission.CoordinatorFeed},
 * and a static allow-list for labs), and the admission decision itself.
 */
package com.oversoc.mesh.relay.admission;
