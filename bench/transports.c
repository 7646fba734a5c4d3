/* transports.c - the table of every transport: see transport.h.
 *
 * Each transport lives in its mechanism's folder (pipe/pipe_transport.c);
 * this table is the one place that lists them, in the order --list prints.
 */
#include <string.h>

#include "transport.h"

extern const struct transport pipe_transport;
extern const struct transport fifo_transport;
extern const struct transport signal_transport;
extern const struct transport socket_unix_transport;
extern const struct transport socket_unix_dgram_transport;
extern const struct transport socket_tcp_transport;
extern const struct transport socket_udp_transport;

const struct transport *const transports[] = {
	&pipe_transport,
	&fifo_transport,
	&signal_transport,
	&socket_unix_transport,
	&socket_unix_dgram_transport,
	&socket_tcp_transport,
	&socket_udp_transport,
};

const size_t transports_count = sizeof(transports) / sizeof(transports[0]);

const struct transport *
transport_find(const char *name)
{
	for (size_t i = 0; i < transports_count; i++)
		if (strcmp(transports[i]->name, name) == 0)
			return transports[i];
	return NULL;
}
