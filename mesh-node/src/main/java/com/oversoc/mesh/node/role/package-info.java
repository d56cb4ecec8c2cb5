/**
 * The roles one {@code ovsgw} process can run and the launchers that start them. A role whose
 * launcher is not in this build is reported as unavailable, never started half-way.
 */
package com.oversoc.mesh.node.role;
