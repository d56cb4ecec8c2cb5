package com.oversoc.mesh.relay;

import com.oversoc.mesh.relay.admission.Admission;
import com.oversoc.mesh.relay.metrics.RelayMetrics;

/** What every connection of one relay shares. */
record RelayServices(ClientRegistry registry, Admission admission, RelayMetrics metrics, RelaySettings settings) {}
