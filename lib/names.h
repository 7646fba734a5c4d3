/* names.h - the names and keys of the suite's IPC objects.
 *
 * Every object ipclab creates is named "ipclab-<uid>-<name>": the uid keeps
 * users apart, the prefix lets `make ipcs` find our objects and only ours.
 * A demo pair meets at a fixed per-user <name> ("shm-sysv"); tests and the
 * benchmark use names_unique(), which adds the pid, so parallel runs never
 * meet.  System V objects have no names, only 32-bit keys: names_key()
 * hashes the full name into a key whose top byte is IPCLAB_KEY_TAG.
 */
#ifndef IPCLAB_NAMES_H
#define IPCLAB_NAMES_H

#include <stddef.h>
#include <sys/types.h>

#define IPCLAB_PREFIX	"ipclab-"
#define IPCLAB_KEY_TAG	0x1c000000 /* top byte of every ipclab key */
#define IPCLAB_KEY_MASK 0xff000000
#define NAMES_SHORT_MAX 64  /* longest <name> a user may pick */
#define NAMES_FULL_MAX	100 /* room for "/ipclab-<uid>-<name>" */

/* Check a short name: 1 to NAMES_SHORT_MAX characters of A-Z a-z 0-9 . _ -
 * (so it is a valid file name and needs no quoting), with no "..".  Returns 0, or -1
 * with errno EINVAL or ENAMETOOLONG. */
int names_check(const char *name);

/* Write "ipclab-<uid>-<name>" into buf.  Returns 0, or -1 with errno set
 * as names_check() does. */
int names_make(char *buf, size_t size, const char *name);

/* Write the POSIX object name "/ipclab-<uid>-<name>" (shm_open, sem_open,
 * mq_open all want the leading slash) into buf.  Returns 0 or -1. */
int names_posix(char *buf, size_t size, const char *name);

/* The System V key for short name: IPCLAB_KEY_TAG ORed with a 24-bit hash
 * of "ipclab-<uid>-<name>".  Two names may share a key; creating with
 * IPC_EXCL turns that into a clear EEXIST rather than a shared object.
 * Returns the key, or -1 with errno set as names_check() does. */
key_t names_key(const char *name);

/* The directory where private directories go: $TMPDIR if it is set and
 * absolute, else /tmp. */
const char *names_tmp_dir(void);

/* Write the mkdtemp() template "<dir>/ipclab-<uid>-<name>.<pid>.XXXXXX"
 * into buf, <dir> being names_tmp_dir() and <pid> this process's: the
 * private directory (mode 0700) where a program puts its FIFO or socket
 * file, so no other user can meddle with a predictable path.  The pid says
 * who made it, so that what a SIGKILLed program leaves can be told stale
 * (sweep.h).  Returns 0 or -1 as names_make(). */
int names_dir_template(char *buf, size_t size, const char *name);

/* Whether entry (a file name, no directory) has the form that
 * names_dir_template() and mkdtemp() give: "ipclab-<uid>-<name>.<pid>.",
 * then six letters or digits; or the same without ".<pid>" (a directory
 * made by hand, or by a minimal rung, which records no creator).  If so,
 * returns 1 and stores the uid, the pid (0 if there is none) and the
 * short name (into name, size bytes); else returns 0.  A name that ends
 * in ".<digits>" is read as a pid.  The form only: who owns the entry,
 * and what it is, the caller checks. */
int names_dir_parse(const char *entry, uid_t *uid, pid_t *pid, char *name,
		    size_t size);

/* Whether key carries the ipclab tag. */
int names_is_suite_key(key_t key);

/* Write a short name unique to this process, "<pid>-<n>-<tag>", with n
 * counting calls, into buf.  Returns 0 or -1 as names_check(). */
int names_unique(char *buf, size_t size, const char *tag);

#endif
