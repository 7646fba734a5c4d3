# shm.mk - make run-shm: the writer in the background, the reader in the
# foreground, for each pair; then the broken demo; then what is left.
RUN_TARGETS += run-shm
.PHONY: run-shm
run-shm: $(DEMOS) $(TOOLS)
	@echo '== System V: shmget/shmat + an empty/full semaphore pair'
	$(BIN)/shm_sysv_writer & $(BIN)/shm_sysv_reader; s=$$?; wait $$! && exit $$s
	@echo
	@echo '== POSIX: shm_open/mmap + process-shared semaphores in the segment'
	$(BIN)/shm_posix_writer & $(BIN)/shm_posix_reader; s=$$?; wait $$! && exit $$s
	@echo
	@echo '== Broken on purpose: polling shared memory with no synchronisation'
	$(BIN)/shm_broken_nosync
	@echo
	@BIN=$(BIN) sh tools/left-behind.sh -m -s -N shm-sysv -N shm-posix -N shm-broken
