# fifo.mk - make run-fifo: the minimal pair first (the same rendezvous in
# plain libc); then the reader (which makes the FIFO in a mkdtemp
# directory and prints its path) and the writer, told that path, as two
# unrelated programs (tools/with-server.sh passes the path on, as you would
# by hand); a look at the FIFO while they run; a reader serving two writers;
# a reader at a path of your choosing killed and replaced; two FIFOs
# opened in opposite orders, a deadlock its watchdog ends; then what is left.
RUN_TARGETS += run-fifo
.PHONY: run-fifo
run-fifo: $(DEMOS) $(TOOLS)
	@echo '== Minimal: fifo_minimal_reader makes a FIFO in a private directory and says where; fifo_minimal_writer is told'
	sh tools/with-server.sh '$(BIN)/fifo_minimal_reader' '$(BIN)/fifo_minimal_writer "$$addr" 3'
	@echo
	@echo '== fifo_reader makes a FIFO in a private directory and says where; fifo_writer is told'
	sh tools/with-server.sh '$(BIN)/fifo_reader' \
		'$(BIN)/fifo_writer -p "$$addr"' \
		'sleep 0.5; ls -ld "$${addr%/*}"; ls -l "$$addr"'
	@echo
	@echo '== A server: one reader, two writers in turn, a dummy write end in between'
	sh tools/with-server.sh '$(BIN)/fifo_reader -N fifo-server -n 2' \
		'$(BIN)/fifo_writer -p "$$addr" -n 3 -i 50 && $(BIN)/fifo_writer -p "$$addr" -n 3 -i 50'
	@echo
	@echo '== A reader at a path you choose (-p), killed with SIGKILL, leaves its FIFO; the next one replaces it'
	d=$$(mktemp -d "$${TMPDIR:-/tmp}/ipclab-$$(id -u)-fifo-stale.XXXXXX"); \
	$(BIN)/fifo_reader -p $$d/fifo & sleep 0.3; kill -KILL $$!; wait $$!; \
	ls -l $$d; \
	$(BIN)/fifo_writer -p $$d/fifo -n 3 -i 0 & sleep 0.2; \
	$(BIN)/fifo_reader -p $$d/fifo; s=$$?; wait $$! || s=1; \
	ls -la $$d; rmdir $$d && exit $$s
	@echo
	@echo '== Broken on purpose: two FIFOs opened in opposite orders; each open() waits for the other'
	$(BIN)/fifo_broken_deadlock
	@echo
	@BIN=$(BIN) sh tools/left-behind.sh -N fifo-minimal -N fifo -N fifo-server -N fifo-stale -N fifo-deadlock
