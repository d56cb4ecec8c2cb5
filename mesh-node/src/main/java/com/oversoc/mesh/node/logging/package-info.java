/** Logback set-up from a node's {@code ovsgw.log} settings: readable text or JSON lines on stderr. */
package com.oversoc.mesh.node.logging;
