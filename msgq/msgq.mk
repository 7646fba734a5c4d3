# msgq.mk - make run-msgq: the minimal pair first; then each robust sender
# in the background, its receiver in the foreground; then requests over
# the kernel's limits, refused; then the broken msgsz; then what is left.
RUN_TARGETS += run-msgq
.PHONY: run-msgq
run-msgq: $(DEMOS) $(TOOLS)
	@echo '== Minimal: msgget/msgsnd/msgrcv; five messages of type 1, an empty one, an answer of type 2'
	$(BIN)/msgq_minimal_send & $(BIN)/msgq_minimal_recv; s=$$?; wait $$! && exit $$s
	@echo
	@echo '== System V: msgget/msgsnd/msgrcv; urgent (type 1) before normal (type 2), a reply by type'
	$(BIN)/msgq_sysv_send & $(BIN)/msgq_sysv_recv; s=$$?; wait $$! && exit $$s
	@echo
	@echo '== POSIX: mq_open/mq_send/mq_receive; priority 1 before 0, a reply queue'
	$(BIN)/msgq_posix_send & $(BIN)/msgq_posix_recv; s=$$?; wait $$! && exit $$s
	@echo
	@echo '== Over the limits: refused before anything is made, naming the limit'
	@m=$$(cat /proc/sys/kernel/msgmax); echo "$(BIN)/msgq_sysv_send -s $$((m + 1))"; \
		$(BIN)/msgq_sysv_send -s $$((m + 1)); test $$? -eq 1
	@m=$$(cat /proc/sys/fs/mqueue/msg_max); echo "$(BIN)/msgq_posix_send -d $$((m + 1))"; \
		$(BIN)/msgq_posix_send -d $$((m + 1)); test $$? -eq 1
	@echo
	@echo '== Broken on purpose: msgsz = sizeof(struct msg), which counts the mtype'
	$(BIN)/msgq_broken_msgsz
	@echo
	@BIN=$(BIN) sh tools/left-behind.sh -q -N msgq-sysv -N msgq-posix -N msgq-posix.reply -N msgq-broken
