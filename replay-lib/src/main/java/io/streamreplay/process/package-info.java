/**
 * What a program needs of its own process beyond streams: catching signals and knowing whether it talks to a
 * terminal. The JDK offers either only through unsupported or version-dependent calls; they are kept here, in one
 * place, so that the rest of the code base compiles against the supported API alone.
 */
package io.streamreplay.process;
