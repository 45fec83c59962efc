/** How the client prints what a server answers: tables, lists, CSV or JSON. Depends on no other client package. */
package io.streamreplay.client.format;
