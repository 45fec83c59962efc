/**
 * Faults injected into streams on purpose, as chaos proxies such as Toxiproxy and vaurien inject them from outside:
 * delays, hangs, pieces, resets, errors, corrupted bytes, bandwidth and data limits, blackouts. A
 * {@link io.streamreplay.fault.FaultSpec} says which, parsed from the {@code --stream-faults} text;
 * {@link io.streamreplay.fault.StreamFaults} holds the one in force and the seed of every decision; a
 * {@link io.streamreplay.fault.FaultyStreamProvider} applies it to the live transports.
 *
 * <p>The layer sits above the transports (so TLS is faulted as plaintext) and below the recording, so that a
 * recording of a run with faults holds their results and its replay reproduces them without injecting anything.
 */
package io.streamreplay.fault;
