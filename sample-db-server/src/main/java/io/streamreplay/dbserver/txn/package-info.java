/**
 * The operations of {@code transact} (RFC 7047 §5.2): {@code Condition}s, {@code Mutation}s, the {@code Transaction}
 * (an overlay on the committed state, with Open vSwitch's commit checks) and the {@code Executor}, which runs one
 * request's operations and hands back the transaction to commit. Storing and applying it is the caller's.
 */
package io.streamreplay.dbserver.txn;
