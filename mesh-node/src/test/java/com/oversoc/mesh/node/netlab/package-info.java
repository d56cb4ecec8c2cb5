/**
 * NetLab: a test fixture that builds small networks out of Linux network namespaces (hosts on a
 * shared "internet", NAT routers with an optional outbound-only firewall, switchable faults) and
 * runs real processes in them, for the end-to-end tests of separate {@code ovsgw} processes.
 * Everything it creates lives in namespaces it made and is removed when the lab closes, or by the
 * next lab if the JVM that made it was killed. Needs root, iproute2 and iptables.
 */
package com.oversoc.mesh.node.netlab;
