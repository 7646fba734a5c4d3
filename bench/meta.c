/* meta.c - the machine a result comes from: see meta.h. */
#define _GNU_SOURCE /* F_GETPIPE_SZ, sched_getaffinity */
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "meta.h"

#ifndef IPCLAB_VERSION
#define IPCLAB_VERSION "unknown"
#endif

/* The limits that shape the curves, or cap what a transport carries. */
static const char *const limit_paths[] = {
	"fs/pipe-max-size",
	"fs/mqueue/msg_max",
	"fs/mqueue/msgsize_max",
	"fs/mqueue/queues_max",
	"kernel/msgmax",
	"kernel/msgmnb",
	"kernel/msgmni",
	"kernel/sem",
	"kernel/shmmax",
	"kernel/shmall",
	"kernel/shmmni",
	"net/core/rmem_default",
	"net/core/rmem_max",
	"net/core/wmem_default",
	"net/core/wmem_max",
	"net/unix/max_dgram_qlen",
	"net/ipv4/tcp_rmem",
	"net/ipv4/tcp_wmem",
	"kernel/sched_rt_runtime_us",
};

/* The first line of path into buf, whitespace runs squeezed to one
 * space; "" if it cannot be read. */
static void
read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	char line[256];
	size_t at = 0;

	buf[0] = '\0';
	if (f == NULL)
		return;
	if (fgets(line, sizeof(line), f) != NULL) {
		for (char *p = line; *p != '\0' && at + 1 < len; p++) {
			int space = *p == ' ' || *p == '\t' || *p == '\n';

			if (space && (at == 0 || buf[at - 1] == ' '))
				continue;
			buf[at++] = space ? ' ' : *p;
		}
		while (at > 0 && buf[at - 1] == ' ')
			at--;
		buf[at] = '\0';
	}
	fclose(f);
}

/* The value after "model name : " in /proc/cpuinfo. */
static void
cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(buf, len, "unknown");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) != 0 || colon == NULL)
			continue;
		colon += 1 + strspn(colon + 1, " \t");
		colon[strcspn(colon, "\n")] = '\0';
		snprintf(buf, len, "%s", colon);
		break;
	}
	fclose(f);
}

static void
affinity(char *buf, size_t len)
{
	cpu_set_t set;
	size_t at = 0;

	buf[0] = '\0';
	if (sched_getaffinity(0, sizeof(set), &set) == -1)
		return;
	for (int c = 0; c < CPU_SETSIZE && at + 1 < len; c++)
		if (CPU_ISSET(c, &set))
			at += (size_t)snprintf(buf + at, len - at, "%s%d",
					       at ? "," : "", c);
}

void
meta_collect(struct meta *m, const struct placement *pins, size_t n)
{
	struct utsname u;
	time_t now = time(NULL);
	char l1[16], l5[16], l15[16];
	int p[2];

	memset(m, 0, sizeof(*m));
	strftime(m->date, sizeof(m->date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	snprintf(m->version, sizeof(m->version), "%s", IPCLAB_VERSION);
	if (uname(&u) == 0) {
		snprintf(m->host, sizeof(m->host), "%s", u.nodename);
		snprintf(m->kernel, sizeof(m->kernel), "%s %s %s", u.sysname,
			 u.release, u.version);
		snprintf(m->arch, sizeof(m->arch), "%s", u.machine);
	}
	cpu_model(m->cpu_model, sizeof(m->cpu_model));
	m->cpus_online = sysconf(_SC_NPROCESSORS_ONLN);
	affinity(m->cpus_allowed, sizeof(m->cpus_allowed));
	read_line("/sys/devices/system/clocksource/clocksource0/"
		  "current_clocksource",
		  m->clocksource, sizeof(m->clocksource));
	read_line("/proc/loadavg", m->loadavg, sizeof(m->loadavg));
	if (sscanf(m->loadavg, "%15s %15s %15s", l1, l5, l15) == 3)
		snprintf(m->loadavg, sizeof(m->loadavg), "%s %s %s", l1, l5,
			 l15); /* over 1, 5 and 15 minutes */
	m->pipe_buf = PIPE_BUF;
	if (pipe(p) == 0) {
		m->pipe_size = fcntl(p[0], F_GETPIPE_SZ);
		close(p[0]);
		close(p[1]);
	}
	for (size_t i = 0; i < n && i < PLACEMENTS_MAX; i++)
		m->pinning[m->npinning++] = pins[i];
	for (size_t i = 0; i < sizeof(limit_paths) / sizeof(limit_paths[0]) &&
			   i < META_LIMITS;
	     i++) {
		char path[128];
		struct meta_limit *l = &m->limits[m->nlimits++];

		l->path = limit_paths[i];
		snprintf(path, sizeof(path), "/proc/sys/%s", l->path);
		read_line(path, l->value, sizeof(l->value));
	}
}

long
meta_limit_num(const struct meta *m, const char *path, long def)
{
	for (size_t i = 0; i < m->nlimits; i++) {
		char *end;
		long v;

		if (strcmp(m->limits[i].path, path) != 0)
			continue;
		v = strtol(m->limits[i].value, &end, 10);
		return end != m->limits[i].value && *end == '\0' ? v : def;
	}
	return def;
}

/* Whether s is a whole number that JSON may carry as one. */
static int
is_number(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n > 0 && n < 19 && s[n] == '\0';
}

void
meta_json(FILE *f, const struct meta *m)
{
	char where[32];

	fputc('{', f);
	json_field(f, "", "date", m->date);
	json_field(f, ", ", "version", m->version);
	json_field(f, ", ", "tool", "ipcbench");
	fprintf(f, ", \"machine\": {");
	json_field(f, "", "host", m->host);
	json_field(f, ", ", "arch", m->arch);
	json_field(f, ", ", "cpu_model", m->cpu_model);
	json_field(f, ", ", "clocksource", m->clocksource);
	json_field(f, ", ", "loadavg_at_start", m->loadavg);
	fputc('}', f);
	json_field(f, ", ", "kernel", m->kernel);
	fprintf(f,
		", \"cpus\": {\"online\": %ld, \"allowed\": ", m->cpus_online);
	json_string(f, m->cpus_allowed);
	fprintf(f, "}, \"pinning\": [");
	for (size_t i = 0; i < m->npinning; i++) {
		placement_format(m->pinning[i], where, sizeof(where));
		fprintf(f, "%s", i ? ", " : "");
		json_string(f, where);
	}
	fprintf(f, "], \"pinning_note\": \"cpus A,B: client pinned to CPU A, "
		   "server to CPU B (sched_setaffinity); any: not pinned\"");
	fprintf(f, ", \"ipc_limits\": {\"PIPE_BUF\": %ld, \"pipe_buffer\": %ld",
		m->pipe_buf, m->pipe_size);
	for (size_t i = 0; i < m->nlimits; i++) {
		const struct meta_limit *l = &m->limits[i];

		fprintf(f, ", ");
		json_string(f, l->path);
		if (l->value[0] == '\0')
			fprintf(f, ": null");
		else if (is_number(l->value))
			fprintf(f, ": %s", l->value);
		else {
			fprintf(f, ": ");
			json_string(f, l->value);
		}
	}
	fprintf(f, "}}");
}

void
meta_line(const struct meta *m, char *buf, size_t len)
{
	char release[64] = "?";

	sscanf(m->kernel, "%*s %63s", release);
	snprintf(buf, len, "%s: Linux %s %s, %ld CPUs (%s), clock %s, load %s",
		 m->host, release, m->arch, m->cpus_online, m->cpu_model,
		 m->clocksource, m->loadavg);
}
