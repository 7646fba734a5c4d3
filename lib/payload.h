/* payload.h - message contents that prove they arrived whole.
 *
 * The sender fills each message from its sequence number; the receiver
 * checks every byte.  Every 64-byte line of a message (counted from its
 * first byte) carries a stamp of the sequence number and of its place, and
 * two consecutive messages differ in every byte: a lost, repeated,
 * reordered, shifted or torn message, or a line left over from an older
 * one, fails the check.  Handed from one CPU to another, a message costs
 * about what memcpy and memcmp of the same bytes cost to fill and check;
 * in one CPU's cache, about a third more (payload.c says why).
 */
#ifndef IPCLAB_PAYLOAD_H
#define IPCLAB_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

/* Fill len bytes at buf with the pattern of message seq.  Threads may
 * fill at once (each stamps a copy of its own), but a signal handler must
 * not fill while the code it interrupted is filling. */
void payload_fill(void *buf, size_t len, uint64_t seq);

/* Check len bytes at buf against the pattern of message seq.  Returns 0 if
 * every byte matches; otherwise -1 with errno EBADMSG, and the offset of
 * the first wrong byte in *bad_at (if bad_at is not NULL). */
int payload_verify(const void *buf, size_t len, uint64_t seq, size_t *bad_at);

#endif
