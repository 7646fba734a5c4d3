# socket.mk - make run-socket: the minimal pair first; then each server
# with its clients, found at the address the server prints
# (tools/with-server.sh); then the one-program demos; then what is left
# (nothing: no socket file, no directory).
RUN_TARGETS += run-socket
.PHONY: run-socket
run-socket: $(DEMOS) $(TOOLS)
	@echo '== Minimal: a UNIX stream echo; the server prints its socket path, the client is given it'
	sh tools/with-server.sh '$(BIN)/socket_minimal_server' '$(BIN)/socket_minimal_client "$$addr"'
	@echo
	@echo '== UNIX stream: a socket file in a private directory; three clients at once, served in turn'
	sh tools/with-server.sh '$(BIN)/socket_unix_server -k 3' \
		'$(BIN)/socket_unix_client -p "$$addr" -n 2' \
		'$(BIN)/socket_unix_client -p "$$addr" -n 2' \
		'$(BIN)/socket_unix_client -p "$$addr" -n 1 -s 1M'
	@echo
	@echo '== socketpair(): a stream glues messages together, datagrams keep them apart'
	$(BIN)/socket_pair
	@echo
	@echo '== UNIX datagrams to a named socket: never lost; the sender waits when the queue is full'
	$(BIN)/socket_unix_dgram
	@echo
	@echo '== TCP on 127.0.0.1, on a port the kernel picks'
	sh tools/with-server.sh '$(BIN)/socket_tcp_server' '$(BIN)/socket_tcp_client -c "$$addr"'
	@echo
	@echo '== UDP on 127.0.0.1: one datagram a message, echoed'
	sh tools/with-server.sh '$(BIN)/socket_udp_server' '$(BIN)/socket_udp_client -c "$$addr"'
	@echo
	@echo '== Broken on purpose: writing to a socket whose reader has gone'
	$(BIN)/socket_broken_sigpipe
	@echo
	@echo '== Passing an open file to another process over a UNIX socket (SCM_RIGHTS)'
	$(BIN)/socket_fdpass
	@echo
	@BIN=$(BIN) sh tools/left-behind.sh -N socket-minimal -N socket-unix -N socket-unix-dgram
