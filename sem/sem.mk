# sem.mk - make run-sem: the minimal lock first (parent and child, one
# System V semaphore); then two System V workers started at once, two
# POSIX ones, the producer/consumer ring, and the broken demo; eventfd,
# file locks and their broken demo; then what is left.
RUN_TARGETS += run-sem
.PHONY: run-sem
run-sem: $(DEMOS) $(TOOLS)
	@echo '== Minimal: parent and child add to a counter under one System V semaphore (SEM_UNDO)'
	$(BIN)/sem_minimal
	@echo
	@echo '== System V: two workers take turns under a semget/semop lock (SEM_UNDO)'
	$(BIN)/sem_sysv_worker & $(BIN)/sem_sysv_worker; s=$$?; wait $$! && exit $$s
	@echo
	@echo '== POSIX: the same with a named semaphore (sem_open), which has no SEM_UNDO'
	$(BIN)/sem_posix_worker & $(BIN)/sem_posix_worker; s=$$?; wait $$! && exit $$s
	@echo
	@echo '== POSIX: producer and consumer, a ring counted by two sem_init(pshared = 1) semaphores'
	$(BIN)/sem_posix_prodcons
	@echo
	@echo '== Broken on purpose: a lock holder killed without SEM_UNDO'
	$(BIN)/sem_broken_noundo
	@echo
	@echo '== eventfd: a counter, a semaphore (EFD_SEMAPHORE), shared through fork and polled beside a pipe'
	$(BIN)/sem_eventfd_counter
	@echo
	@echo '== eventfd: handed to an unrelated process over a UNIX socket (SCM_RIGHTS), which posts it'
	sh tools/with-server.sh '$(BIN)/sem_eventfd_pass' '$(BIN)/sem_eventfd_pass -p "$$addr"'
	@echo
	@echo '== File locks: flock, fcntl and OFD locks, and what frees each'
	$(BIN)/sem_flock_kinds
	@echo
	@echo '== Broken on purpose: a fcntl lock dropped by closing another descriptor of the file'
	$(BIN)/sem_broken_fcntl_close
	@echo
	@BIN=$(BIN) sh tools/left-behind.sh -s -m -N sem-sysv -N sem-posix -N sem-prodcons -N sem-broken -N sem-eventfd -N sem-flock -N sem-broken-fcntl
