/**
 * The relay mesh of a region: this relay's links to each sibling (a relay client that shows the
 * shared mesh key, learns which clients the sibling has, and forwards packets to them), and the
 * interface through which those links update the relay's routing table.
 */
package com.oversoc.mesh.relay.mesh;
