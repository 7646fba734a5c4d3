# shm.mk - make run-shm: the minimal pair first, then the robust pairs, the
# writer in the background and the reader in the foreground; then the
# broken demo; then the modern siblings (futex, robust mutex, mmap); then
# what is left.  The classic server and client
# (shm_broken_classic_*) are not run: they leak by design, see docs/shm.md.
RUN_TARGETS += run-shm
.PHONY: run-shm
run-shm: $(DEMOS) $(TOOLS)
	@echo '== Minimal: the classic server and client, corrected'
	$(BIN)/shm_minimal_server & $(BIN)/shm_minimal_client; s=$$?; wait $$! && exit $$s
	@echo
	@echo '== System V: shmget/shmat + an empty/full semaphore pair'
	$(BIN)/shm_sysv_writer & $(BIN)/shm_sysv_reader; s=$$?; wait $$! && exit $$s
	@echo
	@echo '== POSIX: shm_open/mmap + process-shared semaphores in the segment'
	$(BIN)/shm_posix_writer & $(BIN)/shm_posix_reader; s=$$?; wait $$! && exit $$s
	@echo
	@echo '== Broken on purpose: polling shared memory with no synchronisation'
	$(BIN)/shm_broken_nosync
	@echo
	@echo '== futex(2): a doorbell that wakes only a waiter, and its twin that loses wake-ups'
	$(BIN)/shm_futex_doorbell -n 6
	$(BIN)/shm_broken_futex_wakeup -n 6
	@echo
	@echo '== A robust process-shared mutex whose holder is killed'
	$(BIN)/shm_pthread_robust
	@echo
	@echo '== mmap: anonymous shared memory before fork, and a file mapped MAP_SHARED'
	$(BIN)/shm_mmap_anon
	$(BIN)/shm_mmap_file
	@echo
	@BIN=$(BIN) sh tools/left-behind.sh -m -s -N shm-sysv -N shm-posix -N shm-broken -N shm-mmap
