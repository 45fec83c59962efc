/**
 * {@code sample-db-server}: the program itself. Its command line ({@link io.streamreplay.dbserver.SampleDbServer}
 * and its {@code create} command), its Logback set-up and its pid file, wiring the packages below to the replay
 * library. It uses every other package of the server, and none of them uses it.
 */
package io.streamreplay.dbserver;
