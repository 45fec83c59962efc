/**
 * OVSDB schemas (RFC 7047 §3.2), parsed strictly and written back in Open vSwitch's normal form: databases,
 * tables, columns, atomic and column types with their constraints. Immutable values; uses only {@code protocol}.
 */
package io.streamreplay.dbserver.schema;
