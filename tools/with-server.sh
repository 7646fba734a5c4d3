#!/bin/sh
# with-server.sh - start a server, read where it listens, run clients there.
#
#   sh tools/with-server.sh 'SERVER COMMAND' 'CLIENT COMMAND'...
#
# What you would do by hand in two terminals: start the server, read the
# address it prints ("... listening on ADDRESS": a socket path, HOST:PORT
# with the port the kernel picked, a FIFO's path), and type it into each
# client's command.  Here each client command sees it as "$addr"; the
# clients start together, in the background, and the server's lines are
# copied through as they come, so the two sides' lines interleave.  A
# client command is any shell command: two clients in turn are one
# command, "A && B".  Used by run-socket and run-fifo.
# Exits non-zero if the server or any client did.  No temporary file: the
# server's output comes through a pipe, and its exit status after it, as
# a last line of its own.
set -u
server=$1
shift
{ eval "$server"; echo "with-server.sh: exit $?"; } | {
	# Copy lines until the one that says where the server listens.
	while IFS= read -r first; do
		case $first in
		"with-server.sh: exit "*) exit "${first#with-server.sh: exit }" ;;
		esac
		printf '%s\n' "$first"
		case $first in *" listening on "*) break ;; esac
	done
	addr=${first##* } # the last word of that line

	# Copy the rest of the server's lines; return its exit status.
	relay() {
		status=1
		while IFS= read -r line; do
			case $line in
			"with-server.sh: exit "*) status=${line#with-server.sh: exit } ;;
			*) printf '%s\n' "$line" ;;
			esac
		done
		return "$status"
	}
	# A background job's standard input is /dev/null unless it is given
	# one: hand the relay the pipe through fd 3.
	exec 3<&0
	relay <&3 &
	relay_pid=$!
	exec 3<&-

	failed=0 pids=
	for client in "$@"; do
		eval "$client" &
		pids="$pids $!"
	done
	for pid in $pids; do
		wait "$pid" || failed=1
	done
	wait "$relay_pid" || failed=1
	exit "$failed"
}
