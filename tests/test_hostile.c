/* test_hostile.c - every program against hostile arguments.
 *
 * The programs are found at run time: every file in the directory this
 * test lives in (build/bin, or build/asan/bin under make check, so the
 * sanitizers watch), except the test_* programs.  A program added later
 * is covered without a change here.  Its options are read from its -h
 * output: each line "  -X WORD ..." or "  -X, --long WORD" is an option,
 * and WORD (COUNT, SIZE, NAME, PATH, HOST:PORT...) says what kind of
 * value it takes; a line with no WORD is a flag.  A program whose -h
 * shows no option but -h takes none, and must refuse anything else.
 *
 * Each kind of value has a table of bad ones, below; each vector is run
 * alone, and must end with exit 2, a message on stderr, nothing on
 * stdout: never a crash, a sanitizer report, a hang (each run has a
 * time limit) or an object left behind (checked before and after each
 * program: its default name, and a private TMPDIR every run gets).
 *
 * A vector a program may accept is written as such in the table, with
 * why.  Whether it is accepted is checked without running the program's
 * work: the vector followed by -h (getopt reads options in order, so a
 * value is checked before the -h after it prints usage and exits 0), or
 * for ipcbench by -l, which lists the transports after every option is
 * checked (its -m and -s are checked after the loop).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "harness.h"

/* A refusal is immediate; this only ends a hang, even under load. */
#define RUN_MS 20000

#define MAX_OPTS 32
#define MAX_ARGS 16

/* What a vector must do. */
enum expect {
	REFUSED,   /* exit 2, a message on stderr, nothing on stdout */
	ACCEPTED,  /* a valid value: the probe after it exits 0 */
	RUN_FAILS, /* a valid value the run cannot use: exit 1, a message */
};

/* The kinds of value an option takes, from the WORD in its -h line. */
enum kind {
	K_NUMBER, K_SIZE, K_NAME, K_PATH, K_ADDRESS, K_CPUS, K_KEY, K_WORD
};

static const struct {
	const char *word;
	enum kind kind;
} words[] = {
	{"COUNT", K_NUMBER},   {"MS", K_NUMBER},	{"SECONDS", K_NUMBER},
	{"WRITERS", K_NUMBER}, {"BURST", K_NUMBER},	{"ROUNDS", K_NUMBER},
	{"CLIENTS", K_NUMBER}, {"DEPTH", K_NUMBER},	{"PID", K_NUMBER},
	{"N", K_NUMBER},       {"S", K_NUMBER},		{"SIZE", K_SIZE},
	{"NAME", K_NAME},      {"PATH", K_PATH},	{"FILE", K_PATH},
	{"DIR", K_PATH},       {"HOST:PORT", K_ADDRESS}, {"ADDRESS:PORT", K_ADDRESS},
	{"A,B", K_CPUS},       {"A,B|any", K_CPUS},	{"KEY", K_KEY},
};

static char long_name[301], long_path[201], long_host[320];

/* One bad (or borderline) value for a kind of option. */
struct vector {
	enum kind kind;
	const char *what;
	const char *val;
	enum expect expect;
	const char *why; /* for ACCEPTED: why it is right to accept */
};

static const struct vector values[] = {
	{K_NUMBER, "empty", "", REFUSED, NULL},
	{K_NUMBER, "negative", "-1", REFUSED, NULL},
	/* a count, a time limit or a pid (to kill(2), 0 is our process
	 * group): 0 is refused; the pauses are exceptions, below */
	{K_NUMBER, "zero", "0", REFUSED, NULL},
	{K_NUMBER, "huge", "99999999999999999999999", REFUSED, NULL},
	{K_NUMBER, "above every limit", "4294967296", REFUSED, NULL},
	{K_NUMBER, "non-numeric", "ten", REFUSED, NULL},
	{K_NUMBER, "trailing garbage", "5x", REFUSED, NULL},
	{K_NUMBER, "trailing space", "5 ", REFUSED, NULL},
	{K_NUMBER, "leading space", " 5", REFUSED, NULL},
	{K_NUMBER, "plus sign", "+5", REFUSED, NULL},
	{K_NUMBER, "hexadecimal", "0x10", REFUSED, NULL},
	{K_NUMBER, "fraction", "1.5", REFUSED, NULL},
	{K_SIZE, "empty", "", REFUSED, NULL},
	{K_SIZE, "negative", "-1", REFUSED, NULL},
	{K_SIZE, "zero", "0", REFUSED, NULL},
	{K_SIZE, "huge", "99999999999999999999999", REFUSED, NULL},
	{K_SIZE, "huge once scaled", "18014398509481984K", REFUSED, NULL},
	{K_SIZE, "above every limit", "64G", REFUSED, NULL},
	{K_SIZE, "non-numeric", "big", REFUSED, NULL},
	{K_SIZE, "trailing garbage", "5x", REFUSED, NULL},
	{K_SIZE, "unit twice", "4KK", REFUSED, NULL},
	{K_SIZE, "fraction", "1.5K", REFUSED, NULL},
	{K_NAME, "empty", "", REFUSED, NULL},
	{K_NAME, "300 characters", long_name, REFUSED, NULL},
	{K_NAME, "a slash", "a/b", REFUSED, NULL},
	{K_NAME, "dot dot", "..", REFUSED, NULL},
	{K_NAME, "dot", ".", ACCEPTED,
	 "a name is always behind the ipclab-<uid>- prefix, so '.' is an "
	 "ordinary file-name character there, never a path of its own"},
	{K_NAME, "dot dot inside", "a..b", REFUSED, NULL},
	{K_NAME, "a newline", "a\nb", REFUSED, NULL},
	{K_NAME, "a space", "a b", REFUSED, NULL},
	{K_PATH, "empty", "", REFUSED, NULL},
	/* 200 bytes in a directory that does not exist (see path_200) */
	{K_PATH, "200 bytes", long_path, REFUSED, NULL},
	{K_ADDRESS, "empty", "", REFUSED, NULL},
	{K_ADDRESS, "no port", "127.0.0.1", REFUSED, NULL},
	{K_ADDRESS, "empty port", "127.0.0.1:", REFUSED, NULL},
	{K_ADDRESS, "no host", ":80", REFUSED, NULL},
	{K_ADDRESS, "negative port", "127.0.0.1:-1", REFUSED, NULL},
	{K_ADDRESS, "port too big", "127.0.0.1:65536", REFUSED, NULL},
	{K_ADDRESS, "huge port", "127.0.0.1:99999999999999999999", REFUSED,
	 NULL},
	{K_ADDRESS, "port with garbage", "127.0.0.1:80x", REFUSED, NULL},
	{K_ADDRESS, "bad address", "300.1.1.1:80", REFUSED, NULL},
	{K_ADDRESS, "300-character host", long_host, REFUSED, NULL},
	{K_ADDRESS, "newline in host", "127.0.0.1\n:80", REFUSED, NULL},
	{K_CPUS, "empty", "", REFUSED, NULL},
	{K_CPUS, "one CPU", "0", REFUSED, NULL},
	{K_CPUS, "negative", "-1,0", REFUSED, NULL},
	{K_CPUS, "huge", "99999999999999999999,0", REFUSED, NULL},
	{K_CPUS, "beyond CPU_SETSIZE", "1024,0", REFUSED, NULL},
	{K_CPUS, "non-numeric", "a,b", REFUSED, NULL},
	{K_CPUS, "trailing garbage", "0,0x", REFUSED, NULL},
	{K_CPUS, "three", "0,0,0", REFUSED, NULL},
	{K_CPUS, "empty second", "0,", REFUSED, NULL},
	{K_CPUS, "a lone comma", ",", REFUSED, NULL},
	/* the same CPU for both is a placement the help names: A,A */
	{K_CPUS, "the same CPU twice", "0,0", ACCEPTED,
	 "client and server on one CPU is a placement ipcbench measures"},
	/* a System V key, as strtol reads it (0x1c000001 is one too) */
	{K_KEY, "empty", "", REFUSED, NULL},
	{K_KEY, "negative", "-1", REFUSED, NULL},
	{K_KEY, "zero", "0", REFUSED, NULL}, /* IPC_PRIVATE, not a meeting */
	{K_KEY, "huge", "99999999999999999999999", REFUSED, NULL},
	{K_KEY, "1 once cut to 32 bits", "4294967297", REFUSED, NULL},
	{K_KEY, "non-numeric", "ten", REFUSED, NULL},
	{K_KEY, "trailing garbage", "5x", REFUSED, NULL},
	{K_WORD, "empty", "", REFUSED, NULL},
	{K_WORD, "unknown", "nonsense", REFUSED, NULL},
	{K_WORD, "300 characters", long_name, REFUSED, NULL},
};

/* Where a program may rightly take a vector the table above refuses. */
static const struct exception {
	const char *prog; /* NULL: every program with the option */
	const char *opt;  /* as written: "-i", "--warmup" */
	const char *what; /* the vector's what */
	enum expect expect;
	const char *why;
} exceptions[] = {
	{NULL, "-i", "zero", ACCEPTED,
	 "-i MS is a pause between messages: 0 is no pause"},
	{"ipcbench", "--warmup", "zero", ACCEPTED,
	 "no untimed round trips before timing is a choice"},
	{"socket_tcp_server", "-l", "port 0", ACCEPTED,
	 "port 0 asks the kernel for a free port: the default"},
	{"socket_udp_server", "-l", "port 0", ACCEPTED,
	 "port 0 asks the kernel for a free port: the default"},
	{"ipcbench", "--serve", "port 0", ACCEPTED,
	 "port 0 asks the kernel for a free port, which it prints"},
	{"fifo_reader", "-p", "200 bytes", RUN_FAILS,
	 "a path of legal length (PATH_MAX is 4096) in a directory that "
	 "does not exist: the system's answer, ENOENT, at run time"},
	{"fifo_writer", "-p", "200 bytes", RUN_FAILS,
	 "a path of legal length: the writer waits -t for the reader to "
	 "make the FIFO there, then gives up"},
	{"ipcbench", "-o", "200 bytes", RUN_FAILS,
	 "a path of legal length in a directory that does not exist: "
	 "ENOENT at run time (checked before measuring)"},
	/* The minimal rung reads COUNT with strtol(3), which skips leading
	 * white space and takes a sign: " 5" and "+5" are 5 there, as the
	 * chapter's plain-libc programs mean them to be. */
	{NULL, "COUNT", "leading space", ACCEPTED,
	 "strtol's number: the minimal rung uses plain libc"},
	{NULL, "COUNT", "plus sign", ACCEPTED,
	 "strtol's number: the minimal rung uses plain libc"},
	{NULL, "N", "leading space", ACCEPTED,
	 "strtol's number: the minimal rung uses plain libc"},
	{NULL, "N", "plus sign", ACCEPTED,
	 "strtol's number: the minimal rung uses plain libc"},
	{NULL, "N", "zero", ACCEPTED,
	 "shm_minimal_*'s N is the last byte of the key, 0 to 255 as its "
	 "usage says"},
	{"fifo_minimal_writer", "PATH", "200 bytes", RUN_FAILS,
	 "a path of legal length where no FIFO is: open fails, ENOENT"},
	{"ipcbench", "--save", "200 bytes", RUN_FAILS,
	 "a path of legal length in a directory that does not exist: "
	 "ENOENT at run time (checked before measuring)"},
	{"shm_mmap_file", "-o", "200 bytes", RUN_FAILS,
	 "a path of legal length in a directory that does not exist: "
	 "open(O_CREAT | O_EXCL) fails with ENOENT at run time"},
	{"shm_futex_doorbell", "-d", "zero", ACCEPTED,
	 "-d MS is the producer's pause between its two steps: 0 is none"},
	{"shm_futex_doorbell", "-w", "zero", ACCEPTED,
	 "-w MS is the consumer's work after each ring: 0 is none"},
	{"shm_broken_futex_wakeup", "-d", "zero", ACCEPTED,
	 "-d MS is the producer's pause between its two steps: 0 is none"},
	{"shm_broken_futex_wakeup", "-w", "zero", ACCEPTED,
	 "-w MS is the consumer's work after each ring: 0 is none"},
};

/* The expectation for vector what of option opt of prog. */
static enum expect
expectation(const char *prog, const char *opt, const char *what,
	    enum expect dflt)
{
	for (size_t i = 0; i < sizeof(exceptions) / sizeof(exceptions[0]);
	     i++) {
		const struct exception *x = &exceptions[i];

		if ((x->prog == NULL || strcmp(x->prog, prog) == 0) &&
		    strcmp(x->opt, opt) == 0 && strcmp(x->what, what) == 0)
			return x->expect;
	}
	return dflt;
}

/* A valid value of each kind, for the repeated-option vectors; "1" is a
 * valid pid too (the probe exits before it is used). */
static const char *
good_value(enum kind k, const char *word, const char *longopt)
{
	switch (k) {
	case K_NUMBER:
		return "1";
	case K_SIZE:
		return "64";
	case K_NAME:
		return "x";
	case K_PATH:
		return strcmp(word, "DIR") == 0 ? "/tmp" : "/tmp/x";
	case K_ADDRESS:
		return "127.0.0.1:1";
	case K_CPUS:
		return "0,0";
	case K_KEY:
		return "1";
	case K_WORD:
		if (strcmp(longopt, "mech") == 0)
			return "pipe";
		if (strcmp(longopt, "sizes") == 0)
			return "64";
		if (strcmp(longopt, "pattern") == 0)
			return "latency";
		if (strcmp(longopt, "format") == 0)
			return "csv";
		return NULL;
	}
	return NULL;
}

/* One option of a program, from its -h. */
struct option_desc {
	char letter;	   /* 0 if it has only a long name */
	char longopt[32];  /* "" if it has none */
	char word[32];	   /* its value's WORD, "" for a flag */
	enum kind kind;
	char dflt[64];	   /* "(default X)" on its line, for -N */
};

/* An operand, from the usage line: "usage: prog PATH [COUNT]". */
struct operand {
	char word[32];
	enum kind kind;
};

#define MAX_OPERANDS 2

struct program {
	char name[NAME_MAX + 1];
	char path[PATH_MAX];
	struct option_desc opts[MAX_OPTS];
	int nopts;
	struct operand operands[MAX_OPERANDS];
	int noperands, variadic; /* variadic: "MODE..." or "[ARG...]" */
	const char *probe; /* what shows a vector was accepted */
	const char *prefix[4]; /* prepended: keeps an accepted run short */
	int vectors, failures;
};

static char bindir[PATH_MAX], tmpdir[PATH_MAX];

/* ---- running one vector ---------------------------------------------- */

struct outcome {
	int status, timed_out;
	char out[4096], err[4096];
};

static void
read_all(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	close(fd);
}

static int
unnamed(void)
{
	char path[] = "/tmp/ipclab-hostile-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd != -1);
	unlink(path);
	return fd;
}

static void
run(const struct program *p, char *const argv[], struct outcome *o)
{
	int out = unnamed(), err = unnamed();
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		dup2(out, STDOUT_FILENO);
		dup2(err, STDERR_FILENO);
		/* stdin: nothing to read, so no vector waits on a terminal */
		close(STDIN_FILENO);
		open("/dev/null", O_RDONLY);
		execv(p->path, argv);
		_exit(127);
	}
	o->timed_out = wait_child(pid, RUN_MS, &o->status) == -1;
	read_all(out, o->out, sizeof(o->out));
	read_all(err, o->err, sizeof(o->err));
}

/* Print an argument vector, with newlines shown as \n. */
static void
show_argv(const char *prog, char *const argv[])
{
	fprintf(stderr, "  %s", prog);
	for (int i = 1; argv[i] != NULL; i++) {
		fputs(" '", stderr);
		for (const char *c = argv[i]; *c != '\0'; c++)
			if (*c == '\n')
				fputs("\\n", stderr);
			else
				fputc(*c, stderr);
		fputc('\'', stderr);
	}
	fputc('\n', stderr);
}

static int
sanitizer_report(const char *err)
{
	return strstr(err, "Sanitizer") != NULL ||
	       strstr(err, "runtime error:") != NULL;
}

/* Run args (the vector) with p's prefix, and the probe after it if
 * expect is ACCEPTED; check the outcome.  Counts, prints and returns a
 * failure instead of asserting, so that one run shows them all. */
static int
try(struct program *p, const char *what, enum expect expect, const char *a0,
    const char *a1, const char *a2, const char *a3)
{
	const char *args[] = {a0, a1, a2, a3};
	char *argv[MAX_ARGS];
	struct outcome o;
	const char *bad = NULL;
	int argc = 0, code;

	argv[argc++] = p->name;
	for (int i = 0; i < 4 && p->prefix[i] != NULL; i++)
		argv[argc++] = (char *)p->prefix[i];
	for (int i = 0; i < 4 && args[i] != NULL; i++)
		argv[argc++] = (char *)args[i];
	if (expect == ACCEPTED)
		argv[argc++] = (char *)p->probe;
	argv[argc] = NULL;
	p->vectors++;
	run(p, argv, &o);
	code = WIFEXITED(o.status) ? WEXITSTATUS(o.status)
				   : 128 + WTERMSIG(o.status);
	if (o.timed_out)
		bad = "hung: killed at the time limit";
	else if (sanitizer_report(o.err))
		bad = "sanitizer report";
	else if (WIFSIGNALED(o.status))
		bad = "killed by a signal";
	else if (expect == REFUSED && code != 2)
		bad = "exit code is not 2";
	else if (expect == REFUSED && o.err[0] == '\0')
		bad = "no message on stderr";
	else if (expect == REFUSED && o.out[0] != '\0')
		bad = "wrote to stdout";
	else if (expect == ACCEPTED && code != 0)
		bad = "refused a valid value";
	else if (expect == RUN_FAILS && code != 1)
		bad = "exit code is not 1";
	else if (expect == RUN_FAILS && o.err[0] == '\0')
		bad = "no message on stderr";
	if (bad == NULL)
		return 0;
	p->failures++;
	fprintf(stderr, "%s: %s: %s (exit %d)\n", p->name, what, bad, code);
	show_argv(p->name, argv);
	if (o.err[0] != '\0')
		fprintf(stderr, "  stderr: %.600s\n", o.err);
	if (o.out[0] != '\0')
		fprintf(stderr, "  stdout: %.300s\n", o.out);
	return 1;
}

/* ---- reading a program's options from its -h -------------------------- */

/* The kind of a WORD; one not in words[] (P, F, LIST) is a word. */
static enum kind
kind_of(const char *word)
{
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(words[i].word, word) == 0)
			return words[i].kind;
	return K_WORD;
}

/* Parse one help line into d; 0 if it is not an option line. */
static int
parse_line(const char *line, struct option_desc *d)
{
	const char *c = line;
	const char *def;
	size_t n;

	memset(d, 0, sizeof(*d));
	if (*c != ' ')
		return 0;
	while (*c == ' ')
		c++;
	if (c[0] != '-')
		return 0;
	if (c[1] != '-') {
		d->letter = c[1];
		c += 2;
		if (*c == ',' && c[1] == ' ' && c[2] == '-' && c[3] == '-')
			c += 2;
	}
	if (c[0] == '-' && c[1] == '-') {
		c += 2;
		n = strcspn(c, " ,\n");
		if (n >= sizeof(d->longopt))
			return 0;
		memcpy(d->longopt, c, n);
		c += n;
	}
	/* one space and an upper-case WORD: the option takes a value */
	if (c[0] == ' ' && c[1] >= 'A' && c[1] <= 'Z') {
		n = strcspn(c + 1, " \n");
		if (n >= sizeof(d->word))
			return 0;
		memcpy(d->word, c + 1, n);
		d->kind = kind_of(d->word);
		if (strcmp(d->longopt, "sizes") == 0)
			d->kind = K_WORD; /* a list: see good_value */
	}
	def = strstr(c, "(default ");
	if (def != NULL) {
		def += strlen("(default ");
		n = strcspn(def, ")");
		if (n < sizeof(d->dflt))
			memcpy(d->dflt, def, n);
	}
	return 1;
}

/* The operands of p from the first line of its help, "usage: prog ...":
 * the upper-case WORDs that are not the value of an option before them
 * ("[-n COUNT]"); "WORD..." makes the program variadic. */
static void
parse_usage(struct program *p, const char *help)
{
	char line[512], *tok, *save = NULL;
	int after_option = 0;
	size_t n = strcspn(help, "\n");

	if (strncmp(help, "usage: ", 7) != 0 || n >= sizeof(line))
		return;
	memcpy(line, help, n);
	line[n] = '\0';
	strtok_r(line, " ", &save); /* "usage:" */
	strtok_r(NULL, " ", &save); /* the program */
	while ((tok = strtok_r(NULL, " ", &save)) != NULL) {
		size_t len;

		tok += strspn(tok, "[");
		len = strcspn(tok, "]");
		tok[len] = '\0';
		if (tok[0] == '-') {
			after_option = 1;
			continue;
		}
		if (after_option || tok[0] < 'A' || tok[0] > 'Z') {
			after_option = 0;
			continue;
		}
		if (len > 3 && strcmp(tok + len - 3, "...") == 0)
			p->variadic = 1;
		else if (p->noperands < MAX_OPERANDS &&
			 len < sizeof(p->operands[0].word)) {
			struct operand *o = &p->operands[p->noperands++];

			strcpy(o->word, tok);
			o->kind = kind_of(tok);
		}
	}
}

/* Fill p's options from "p -h"; fail the test if -h does not exit 0. */
static void
read_options(struct program *p)
{
	char *argv[] = {p->name, "-h", NULL};
	struct outcome o;
	char *line, *save = NULL;

	run(p, argv, &o);
	if (o.timed_out || !WIFEXITED(o.status) || WEXITSTATUS(o.status) != 0)
		fail_msg("%s -h: did not exit 0", p->name);
	parse_usage(p, o.out);
	for (line = strtok_r(o.out, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		struct option_desc d;

		if (!parse_line(line, &d) || d.letter == 'h')
			continue;
		if (p->nopts < MAX_OPTS)
			p->opts[p->nopts++] = d;
	}
}

static const struct option_desc *
find_opt(const struct program *p, char letter)
{
	for (int i = 0; i < p->nopts; i++)
		if (p->opts[i].letter == letter)
			return &p->opts[i];
	return NULL;
}

/* How the option is written on a command line: "-n" or "--warmup". */
static const char *
spelling(const struct option_desc *d, char *buf, size_t size)
{
	if (d->letter != 0)
		snprintf(buf, size, "-%c", d->letter);
	else
		snprintf(buf, size, "--%s", d->longopt);
	return buf;
}

/* ---- the vectors ----------------------------------------------------- */

static void
option_vectors(struct program *p, const struct option_desc *d)
{
	char opt[40], what[160];
	const char *good = good_value(d->kind, d->word, d->longopt);

	spelling(d, opt, sizeof(opt));
	if (d->word[0] == '\0') { /* a flag: given a value it has none of */
		snprintf(what, sizeof(what), "%s twice", opt);
		/* twice is the same as once: nothing to refuse */
		try(p, what, ACCEPTED, opt, opt, NULL, NULL);
		return;
	}
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		const struct vector *v = &values[i];

		if (v->kind != d->kind)
			continue;
		snprintf(what, sizeof(what), "%s %s", opt, v->what);
		try(p, what, expectation(p->name, opt, v->what, v->expect), opt,
		    v->val, NULL, NULL);
	}
	if (d->kind == K_ADDRESS) {
		snprintf(what, sizeof(what), "%s port 0", opt);
		try(p, what, expectation(p->name, opt, "port 0", REFUSED), opt,
		    "127.0.0.1:0", NULL, NULL);
	}
	snprintf(what, sizeof(what), "%s with no value", opt);
	try(p, what, REFUSED, opt, NULL, NULL, NULL);
	if (good != NULL) {
		/* The last one wins, as POSIX utilities do (-N of
		 * ipclab-ipcs and --cpus of ipcbench add up instead, as
		 * their help says): a repeat is not an error. */
		snprintf(what, sizeof(what), "%s repeated", opt);
		try(p, what, ACCEPTED, opt, good, opt, good);
		/* a bad value after a good one is still refused */
		snprintf(what, sizeof(what), "%s good then empty", opt);
		try(p, what, REFUSED, opt, good, opt, "");
	}
}

/* A valid value for operand o, to put before the one under test: a path
 * in our TMPDIR that does not exist. */
static const char *
good_operand(const struct operand *o)
{
	static char none[PATH_MAX + 8];

	if (o->kind != K_PATH)
		return good_value(o->kind, o->word, "");
	snprintf(none, sizeof(none), "%s/none", tmpdir);
	return none;
}

/* Vectors for the operands of a program such as "prog PATH [COUNT]":
 * each bad value in each place, the places before it good; and one
 * operand too many.  Only refusals: a program of the minimal rung takes
 * -h alone, first, so nothing can show that an operand was accepted
 * without running it. */
static void
operand_vectors(struct program *p)
{
	const char *a[4] = {NULL, NULL, NULL, NULL};
	char what[160];

	for (int i = 0; i < p->noperands; i++) {
		const struct operand *o = &p->operands[i];

		for (size_t k = 0; k < sizeof(values) / sizeof(values[0]);
		     k++) {
			const struct vector *v = &values[k];
			enum expect e;

			if (v->kind != o->kind)
				continue;
			e = expectation(p->name, o->word, v->what, v->expect);
			if (e == ACCEPTED)
				continue;
			snprintf(what, sizeof(what), "operand %s %s", o->word,
				 v->what);
			for (int j = 0; j < i; j++)
				a[j] = good_operand(&p->operands[j]);
			a[i] = v->val;
			try(p, what, e, a[0], a[1], a[2], a[3]);
		}
		a[i] = good_operand(o);
	}
	a[p->noperands] = "extra";
	try(p, "an operand too many", REFUSED, a[0], a[1], a[2], a[3]);
}

/* Vectors for every program, with or without options. */
static void
program_vectors(struct program *p)
{
	int operands = strcmp(p->name, "pipe_shell") == 0 ||
		       strcmp(p->name, "ipcbench-bare") == 0;

	for (int i = 0; i < p->nopts; i++)
		option_vectors(p, &p->opts[i]);
	try(p, "unknown option", REFUSED, "-Z", NULL, NULL, NULL);
	try(p, "unknown long option", REFUSED, "--bogus", NULL, NULL, NULL);
	if (p->noperands > 0 && !p->variadic) {
		operand_vectors(p);
	} else if (!operands) {
		try(p, "an extra operand", REFUSED, "extra", NULL, NULL, NULL);
		try(p, "an empty operand", REFUSED, "", NULL, NULL, NULL);
		try(p, "a 300-character operand", REFUSED, long_name, NULL,
		    NULL, NULL);
	} else if (strcmp(p->name, "ipcbench-bare") == 0) {
		/* its operands are modes: an unknown one is refused */
		try(p, "an unknown mode", REFUSED, "extra", NULL, NULL, NULL);
		try(p, "an empty mode", REFUSED, "", NULL, NULL, NULL);
	} else {
		/* pipe_shell runs CMD1 '|' CMD2: anything without a '|'
		 * between two commands is refused */
		try(p, "one operand", REFUSED, "extra", NULL, NULL, NULL);
		try(p, "no second command", REFUSED, "true", "|", NULL, NULL);
		try(p, "no first command", REFUSED, "|", "true", NULL, NULL);
		try(p, "an empty operand", REFUSED, "", NULL, NULL, NULL);
	}
}

/* ---- objects and files left behind ------------------------------------ */

static int
tmpdir_entries(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
empty_tmpdir(void)
{
	char cmd[PATH_MAX + 32];

	if (snprintf(cmd, sizeof(cmd), "rm -rf '%s'/* '%s'/.[!.]*", tmpdir,
		     tmpdir) >= (int)sizeof(cmd) ||
	    system(cmd) != 0)
		fprintf(stderr, "could not empty %s\n", tmpdir);
}

/* The default name of p's objects, from its -N line; NULL if none. */
static const char *
default_name(const struct program *p)
{
	const struct option_desc *n = find_opt(p, 'N');

	return n != NULL && n->dflt[0] != '\0' && names_check(n->dflt) == 0
		       ? n->dflt
		       : NULL;
}

/* ---- the test --------------------------------------------------------- */

static void
setup_program(struct program *p, const char *name)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (snprintf(p->path, sizeof(p->path), "%s/%s", bindir, name) >=
	    (int)sizeof(p->path))
		fail_msg("%s/%s: too long", bindir, name);
	read_options(p);
	p->probe = "-h";
	if (strcmp(name, "ipcbench") == 0) {
		/* -l runs after every option is checked; and should a vector
		 * be taken, measure little */
		static const char *const quick[] = {"-q", "-m", "pipe", NULL};

		p->probe = "-l";
		for (int i = 0; quick[i] != NULL; i++)
			p->prefix[i] = quick[i];
	} else if (find_opt(p, 't') != NULL) {
		/* should a vector be taken, give up on the peer soon */
		p->prefix[0] = "-t";
		p->prefix[1] = "1";
	}
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
every_program_refuses_hostile_arguments(void **state)
{
	char *names[256];
	int n = 0, vectors = 0, failures = 0;
	struct dirent *e;
	DIR *d;

	(void)state;
	if (under_valgrind())
		skip(); /* thousands of runs: far too slow there */
	d = opendir(bindir);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL && n < 256) {
		char path[PATH_MAX];
		struct stat st;

		if (e->d_name[0] == '.' || strncmp(e->d_name, "test_", 5) == 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", bindir, e->d_name) >=
			    (int)sizeof(path) ||
		    stat(path, &st) == -1 || !S_ISREG(st.st_mode) ||
		    access(path, X_OK) == -1)
			continue;
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), by_name);
	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		static struct program p;
		const char *dflt;
		int before = 0, after;

		setup_program(&p, names[i]);
		dflt = default_name(&p);
		if (dflt != NULL)
			before = objects_alive(dflt);
		program_vectors(&p);
		if (tmpdir_entries() != 0) {
			fprintf(stderr, "%s: left %d entries in TMPDIR\n",
				p.name, tmpdir_entries());
			p.failures++;
			empty_tmpdir();
		}
		/* Only ours if there were none before: the machine may run
		 * make run-* with the default names at the same time. */
		if (dflt != NULL && before == 0 &&
		    (after = objects_alive(dflt)) != 0) {
			fprintf(stderr, "%s: left %d objects named %s\n",
				p.name, after, dflt);
			p.failures++;
			objects_remove(dflt);
		}
		print_message("%-26s %2d options, %3d vectors, %d failed\n",
			      p.name, p.nopts, p.vectors, p.failures);
		vectors += p.vectors;
		failures += p.failures;
		free(names[i]);
	}
	print_message("%d programs, %d vectors, %d failed\n", n, vectors,
		      failures);
	assert_int_equal(failures, 0);
}

static int
setup(void **state)
{
	ssize_t len;
	char *slash;

	(void)state;
	len = readlink("/proc/self/exe", bindir, sizeof(bindir) - 1);
	if (len <= 0)
		return -1;
	bindir[len] = '\0';
	slash = strrchr(bindir, '/');
	*slash = '\0';
	memset(long_name, 'a', sizeof(long_name) - 1);
	/* 200 bytes, in a directory that does not exist */
	snprintf(long_path, sizeof(long_path), "/tmp/ipclab-no-such-dir-%ld/",
		 (long)getpid());
	len = (ssize_t)strlen(long_path);
	memset(long_path + len, 'p', sizeof(long_path) - 1 - (size_t)len);
	memset(long_host, 'h', 300);
	strcpy(long_host + 300, ":80");
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ipclab-hostile-%ld.XXXXXX",
		 (long)getpid());
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	/* every program this test runs makes its private files in here */
	setenv("TMPDIR", tmpdir, 1);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	empty_tmpdir();
	return rmdir(tmpdir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_program_refuses_hostile_arguments),
	};

	return cmocka_run_group_tests_name("hostile", tests, setup, teardown);
}
