#!/bin/sh
# left-behind.sh - show what a demo run left of the user's IPC objects.
#
#   sh tools/left-behind.sh [-m] [-s] [-q] -N NAME [-N NAME]...
#
# -m, -s, -q pick the ipcs(1) kinds to show (segments, semaphore sets,
# queues).  Prints the system tools' own view (ipcs, /dev/shm, /dev/mqueue,
# the private directories in $TMPDIR or /tmp), then asks ipclab-ipcs about
# each NAME; exits 1 if any object of those names is still there, a
# private directory (a FIFO's, a socket's) of those names included.
set -u
bin=$(dirname "$0")/../build/bin
[ -n "${BIN:-}" ] && bin=$BIN
kinds= names=
while [ $# -gt 0 ]; do
	case $1 in
	-[msq]) kinds="$kinds $1" ;;
	-N) names="$names -N $2"; shift ;;
	*) echo "left-behind.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
uid=$(id -u)
me=$(id -un 2>/dev/null || echo "$uid")
tmp=${TMPDIR:-/tmp}
case $tmp in /*) ;; *) tmp=/tmp ;; esac

echo "== Left behind: what the system's own tools show of ours"
if [ -n "$kinds" ]; then
	# The suite's System V keys all begin 0x1c.
	ipcs $kinds 2>/dev/null |
		awk -v me="$me" 'tolower($1) ~ /^0x1c/ && $3 == me { print; n++ } END { exit n == 0 }' ||
		echo "ipcs$kinds: no ipclab object of yours"
fi
ls /dev/shm 2>/dev/null | grep "ipclab-$uid-" || echo "ls /dev/shm: no ipclab object of yours"
if [ -d /dev/mqueue ] && grep -qs ' /dev/mqueue mqueue ' /proc/mounts; then
	ls /dev/mqueue | grep "ipclab-$uid-" || echo "ls /dev/mqueue: no ipclab queue of yours"
fi
ls -d "$tmp/ipclab-$uid-"* 2>/dev/null || echo "ls $tmp: no ipclab directory of yours"
# The verdict is ipclab-ipcs's: it lists the private directories too, by
# lib/sweep.c's one definition of ours (so a symlink or another user's
# directory named like ours is not counted as ours).
# shellcheck disable=SC2086 # $names is a list of options
exec "$bin/ipclab-ipcs" $names --fail-if-any
