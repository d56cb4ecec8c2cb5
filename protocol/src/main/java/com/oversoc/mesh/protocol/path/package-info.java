/**
 * Path selection for one peer: the probe codec (a ping and its pong, carried inside the peer's
 * WireGuard session) and the selector that pings the peer's direct candidates, keeps the fastest
 * working one alive and falls back to the peer's home relay. Pure: addresses are a type parameter,
 * time and randomness are inputs; the actors' path manager sends what it decides.
 */
package com.oversoc.mesh.protocol.path;
