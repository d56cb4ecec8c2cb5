/**
 * Secrets a node keeps on disk: base64 key files readable only by their owner, created
 * atomically in the node's state directory on the first start. The coordinator key, the relay
 * key and the machine key of every control client are such files.
 */
package com.oversoc.mesh.actors.keyfile;
