# pipe.mk - make run-pipe: the minimal rung first, then each pipe demo in
# turn (every one forks its own children), then what is left.  A pipe has no name: it goes when the last
# process holding one of its ends closes it, so nothing can be left but
# processes, and each demo waits for all of its children.
RUN_TARGETS += run-pipe
.PHONY: run-pipe
run-pipe: $(DEMOS) $(TOOLS)
	@echo '== Minimal: a parent writes, its child reads until end of file; each closes the end it does not use'
	$(BIN)/pipe_minimal 3
	@echo
	@echo '== Parent to child: pipe(), fork(), each side closes the end it does not use'
	$(BIN)/pipe_parent_child
	@echo
	@echo '== Request and reply: two pipes, one each way'
	$(BIN)/pipe_request_reply
	@echo
	@echo '== cmd1 | cmd2, built with pipe, fork, dup2 and exec'
	$(BIN)/pipe_shell
	@echo
	@echo '== Nobody reading: SIGPIPE by default, EPIPE when it is ignored'
	$(BIN)/pipe_sigpipe
	@echo
	@echo '== read() returns what the pipe holds; read_full() loops for the rest'
	$(BIN)/pipe_partial_read
	@echo
	@echo '== Two writers, one pipe: writes up to PIPE_BUF bytes are atomic'
	$(BIN)/pipe_atomic
	@echo
	@echo '== Capacity: F_GETPIPE_SZ, F_SETPIPE_SZ and the limits in /proc/sys/fs'
	$(BIN)/pipe_capacity
	@echo
	@echo '== vmsplice: the pipe holds the sender'"'"'s own pages, not a copy, until they are read'
	$(BIN)/pipe_vmsplice
	@echo
	@echo '== Broken on purpose: a child that never closes its write end waits for EOF forever'
	$(BIN)/pipe_broken_noclose
	@echo
	@BIN=$(BIN) sh tools/left-behind.sh -N pipe
