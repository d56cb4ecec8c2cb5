/**
 * Pekko Streams stages of the control protocol shared by the coordinator and control clients:
 * length-prefixed protobuf framing with size caps, on the plaintext side of the secure channel.
 */
package com.oversoc.mesh.actors.control;
