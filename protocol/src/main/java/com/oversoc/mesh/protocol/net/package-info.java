/**
 * Network addresses as values: IP literals and socket endpoints, parsed strictly and without
 * name resolution. A host name where an IP literal is required is an error, never a DNS query.
 */
package com.oversoc.mesh.protocol.net;
