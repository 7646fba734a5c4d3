/* socket_inet.h - HOST:PORT, for the TCP and UDP pairs.
 *
 * The servers take -l ADDRESS:PORT, where to listen (default
 * 127.0.0.1:0: loopback only, and port 0, which asks the kernel to pick a
 * free port from net.ipv4.ip_local_port_range); they print the address
 * and port they got on their first line.  The clients take -c HOST:PORT.
 * HOST may be a name ("localhost", another machine's) or an IPv4 address:
 * getaddrinfo(3) turns it into a struct sockaddr_in.  Nothing else in the
 * programs knows or cares whether the server is on this machine.
 *
 *   $ build/bin/socket_tcp_server &
 *   socket_tcp_server 4242: listening on 127.0.0.1:40113
 *   $ build/bin/socket_tcp_client -c 127.0.0.1:40113
 *
 * To run across two machines: `socket_tcp_server -l 0.0.0.0:5000` on one
 * (every interface, a port you choose, open in its firewall), then
 * `socket_tcp_client -c THAT-HOST:5000` on the other.
 */
#ifndef IPCLAB_SOCKET_INET_H
#define IPCLAB_SOCKET_INET_H

#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "parse.h"

#define SOCKET_INET_LISTEN "127.0.0.1:0" /* default -l */

/* Parse "HOST:PORT" into *sa; passive: for a server (port 0 allowed).
 * Returns NULL, or a message that says what is wrong with arg. */
static inline const char *
socket_inet_parse(const char *arg, int passive, struct sockaddr_in *sa)
{
	struct addrinfo hints = {.ai_family = AF_INET}, *res;
	const char *colon = strrchr(arg, ':');
	static char msg[160];
	char host[256];
	unsigned long port;
	int err;

	if (colon == NULL || colon == arg ||
	    (size_t)(colon - arg) >= sizeof(host))
		return "is not HOST:PORT";
	if (parse_uint(colon + 1, passive ? 0 : 1, 65535, &port) == -1)
		return passive ? "has no port from 0 to 65535 after the ':'"
			       : "has no port from 1 to 65535 after the ':'";
	memcpy(host, arg, (size_t)(colon - arg));
	host[colon - arg] = '\0';
	err = getaddrinfo(host, NULL, &hints, &res);
	if (err != 0) {
		snprintf(msg, sizeof(msg), "names no IPv4 host: %s",
			 gai_strerror(err));
		return msg;
	}
	memcpy(sa, res->ai_addr, sizeof(*sa));
	sa->sin_port = htons((uint16_t)port); /* network byte order too */
	freeaddrinfo(res);
	return NULL;
}

/* Write sa as "1.2.3.4:PORT" into buf (at least 24 bytes). */
static inline const char *
socket_inet_str(const struct sockaddr_in *sa, char *buf, size_t size)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sa->sin_addr, ip, sizeof(ip));
	snprintf(buf, size, "%s:%u", ip, (unsigned)ntohs(sa->sin_port));
	return buf;
}

#endif
