# signal.mk - make run-signal: the minimal rung first (a parent and its
# child trading SIGUSR1); then a receiver in the background, the sender in
# the foreground given its pid ($!), for each of the two receivers; then
# the two broken demos; then what is left.
RUN_TARGETS += run-signal
.PHONY: run-signal
run-signal: $(DEMOS) $(TOOLS)
	@echo '== Minimal: a parent and its child trade SIGUSR1, blocked before fork, waited for with sigsuspend'
	$(BIN)/signal_minimal
	@echo
	@echo '== Standard signals merge, real-time signals queue: sigaction + sigsuspend, sigqueue + sigtimedwait'
	$(BIN)/signal_sigqueue_receiver & $(BIN)/signal_sigqueue_sender -p $$! -i 50; s=$$?; wait $$! && exit $$s
	@echo
	@echo '== The same sender; a receiver with no handler, reading every signal from a signalfd'
	$(BIN)/signal_signalfd_receiver & $(BIN)/signal_sigqueue_sender -p $$! -i 50; s=$$?; wait $$! && exit $$s
	@echo
	@echo '== Broken on purpose: pause() after checking a flag loses wake-ups; sigsuspend() does not'
	$(BIN)/signal_broken_race
	@echo
	@echo '== Broken on purpose: a handler that does not save errno changes it under main'
	$(BIN)/signal_broken_errno
	@echo
	@BIN=$(BIN) sh tools/left-behind.sh -N signal
