/**
 * Loading and validating a node's HOCON configuration. Every mistake becomes one
 * {@link com.oversoc.mesh.node.config.ConfigProblem} line that names the key, what is wrong and
 * what is accepted; a valid file becomes a typed {@link com.oversoc.mesh.node.config.NodeConfig}.
 * Defaults and the list of known keys are in {@code reference.conf}.
 */
package com.oversoc.mesh.node.config;
