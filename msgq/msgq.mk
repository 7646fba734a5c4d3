# msgq.mk - make run-msgq: each sender in the background, its receiver in
# the foreground; then requests over the kernel's limits, refused; then
# what is left.
RUN_TARGETS += run-msgq
.PHONY: run-msgq
run-msgq: $(DEMOS) $(TOOLS)
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
	@BIN=$(BIN) sh tools/left-behind.sh -q -N msgq-sysv -N msgq-posix -N msgq-posix.reply
