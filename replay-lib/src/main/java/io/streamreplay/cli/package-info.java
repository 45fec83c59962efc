/**
 * What the library's programs share on their command lines beyond recording and replaying: how a bad command line
 * is reported ({@link io.streamreplay.cli.UsageErrors}). Depends on Picocli only.
 */
package io.streamreplay.cli;
