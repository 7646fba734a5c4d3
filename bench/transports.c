/* transports.c - the table of every transport: see transport.h.
 *
 * Each transport lives in its mechanism's folder (pipe/pipe_transport.c);
 * this table is the one place that lists them, in the order --list prints.
 */
#include <string.h>

#include "transport.h"

extern const struct transport shm_sysv_transport;
extern const struct transport shm_posix_transport;
extern const struct transport shm_spin_transport;
extern const struct transport sem_sysv_transport;
extern const struct transport sem_posix_transport;
extern const struct transport msgq_sysv_transport;
extern const struct transport msgq_posix_transport;
extern const struct transport pipe_transport;
extern const struct transport fifo_transport;
extern const struct transport signal_transport;
extern const struct transport socket_unix_transport;
extern const struct transport socket_unix_dgram_transport;
extern const struct transport socket_tcp_transport;
extern const struct transport socket_udp_transport;

/* DESIGN.md's order: shared memory first, then by folder. */
const struct transport *const transports[] = {
	&shm_sysv_transport,	&shm_posix_transport,
	&shm_spin_transport,	&sem_sysv_transport,
	&sem_posix_transport,	&msgq_sysv_transport,
	&msgq_posix_transport,	&pipe_transport,
	&fifo_transport,	&signal_transport,
	&socket_unix_transport, &socket_unix_dgram_transport,
	&socket_tcp_transport,	&socket_udp_transport,
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
