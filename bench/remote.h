/* remote.h - ipcbench across two hosts: --serve and --connect.
 *
 *   host B$ build/bin/ipcbench --serve 5000
 *   host A$ build/bin/ipcbench -m socket-tcp --connect B:5000 -s 64
 *
 * The server side of socket-tcp and socket-udp runs alone on one host
 * (remote_serve()); on the other, ipcbench forks only the client, which
 * reaches it through remote_client()'s transport.  The protocol is the
 * engine's: the client fills message 2k and times the round trip, the
 * server verifies every byte of it and answers with message 2k+1, which
 * the client verifies.  Each measurement is one session: the client
 * connects over TCP to PORT and sends a hello (the transport and the
 * message size); socket-tcp's messages then travel on that connection,
 * socket-udp's as datagrams to the same port number over UDP, with the
 * TCP connection kept open to say when the session ends (it closes).
 * The server serves one session at a time, for ever, until it is
 * killed (Ctrl-C): it makes no IPC object, so there is nothing to clean.
 *
 * Only latency crosses hosts: a stream's end is told through the shared
 * memory the two local processes have and two hosts have not.  The CPU
 * time and context switches are the client's alone.
 */
#ifndef IPCLAB_REMOTE_H
#define IPCLAB_REMOTE_H

#include <netinet/in.h>
#include <stddef.h>

#include "transport.h"

#define REMOTE_MAGIC	 0x49504342U /* "IPCB", the hello's first word */
#define REMOTE_VERSION	 1U
#define REMOTE_IDLE_S	 60    /* a session silent this long is dropped */
#define REMOTE_UDP_LIMIT 65507 /* the largest IPv4 UDP payload */

/* Parse "HOST:PORT" (connect) or "[ADDR:]PORT" (passive: serve; ADDR
 * defaults to 0.0.0.0, every interface; port 0 lets the kernel pick one
 * free for both TCP and UDP) into *sa.  Returns 0, or -1 with
 * what is wrong in err. */
int remote_parse(const char *arg, int passive, struct sockaddr_in *sa,
		 char *err, size_t len);

/* The transport that carries t's messages (socket-tcp or socket-udp) to
 * a server at *sa run by remote_serve(): same name and limits; setup()
 * makes nothing, the client's attach() connects and says hello.  NULL if
 * t is neither. */
const struct transport *remote_client(const struct transport *t,
				      const struct sockaddr_in *sa);

/* Serve sessions on *sa, TCP and UDP, until killed: first the line
 * "ipcbench: serving socket-tcp and socket-udp, listening on ADDR:PORT"
 * on stdout, then one line a session (on stderr for one that failed,
 * whatever quiet says).  Returns -1 (errno set, the error printed) only
 * when it cannot listen. */
int remote_serve(const struct sockaddr_in *sa, int quiet);

#endif
