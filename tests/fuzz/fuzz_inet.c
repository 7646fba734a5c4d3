/* fuzz_inet.c - HOST:PORT (socket/socket_inet.h), as the TCP and UDP
 * programs take it with -c and -l.
 *
 * getaddrinfo would send a random host name to DNS; here it is told the
 * host must be numeric (AI_NUMERICHOST), which keeps every lookup in the
 * process and tests the same parsing around it.  A value taken gives an
 * IPv4 address and the port written after the last ':' (0 only where
 * passive); one refused says why.
 */
#include <arpa/inet.h> /* socket_inet.h wants it first */
#include <netdb.h>

static int
numeric_getaddrinfo(const char *node, const char *service,
		    const struct addrinfo *hints, struct addrinfo **res)
{
	struct addrinfo h = *hints;

	h.ai_flags |= AI_NUMERICHOST;
	return getaddrinfo(node, service, &h, res);
}
#define getaddrinfo numeric_getaddrinfo
#include "socket_inet.h"
#undef getaddrinfo

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);

	for (int passive = 0; passive < 2; passive++) {
		struct sockaddr_in sa;
		const char *why = socket_inet_parse(s, passive, &sa);
		unsigned long port;

		if (why != NULL) {
			FUZZ_CHECK(why[0] != '\0', s);
			continue;
		}
		FUZZ_CHECK(sa.sin_family == AF_INET, s);
		FUZZ_CHECK(parse_uint(strrchr(s, ':') + 1, 0, 65535, &port) == 0,
			   s);
		FUZZ_CHECK(ntohs(sa.sin_port) == port, s);
		FUZZ_CHECK(passive || port != 0, s);
	}
	free(s);
	return 0;
}
