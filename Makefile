# ipclab - learn and measure Linux IPC.
#
#   make            build every program into build/bin
#   make run-shm    watch two processes share memory, then check nothing is left
#   make test       build and run the cmocka tests (installs cmocka if it can)
#   make ipcs       list the suite's IPC objects alive on this machine
#   make ipcs-clean remove those whose processes are gone
#   make check      the tests again under AddressSanitizer and UBSan
#   make valgrind   the tests again, every program under valgrind (slow)
#   make clean      remove build/

CC      ?= cc
CFLAGS  ?= -O2 -g
# Always on, even when CFLAGS is given on the command line (make check).
BASE_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	   -Wall -Wextra -Werror -Ilib -MMD -MP
LDLIBS  += -lrt -pthread

B       := build
BIN     := $(B)/bin
LIB     := $(B)/libipclab.a

LIB_SRC  := $(wildcard lib/*.c)
DEMO_SRC := $(wildcard shm/shm_*.c)
TOOL_SRC := tools/ipclab-ipcs.c
TEST_SRC := $(wildcard tests/test_*.c)

DEMOS   := $(patsubst %.c,$(BIN)/%,$(notdir $(DEMO_SRC)))
TOOLS   := $(BIN)/ipclab-ipcs
TESTS   := $(patsubst %.c,$(BIN)/%,$(notdir $(TEST_SRC)))

.SECONDARY:
.PHONY: all run-shm test test-run check valgrind ipcs ipcs-clean deps clean

all: $(DEMOS) $(TOOLS)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(EXTRA_CFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(patsubst %.c,$(B)/obj/%.o,$(LIB_SRC))
	$(AR) rcs $@ $^

$(BIN)/%: $(B)/obj/shm/%.o $(LIB)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/ipclab-ipcs: $(B)/obj/tools/ipclab-ipcs.o $(LIB)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/obj/tests/%.o: EXTRA_CFLAGS := -Itests
$(BIN)/test_%: $(B)/obj/tests/test_%.o $(B)/obj/tests/harness.o $(LIB)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka $(LDLIBS)

# The demos, as a learner would start them by hand: the writer in the
# background, the reader in the foreground.  Then the proof that nothing
# was left behind.
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
	@echo '== Left behind: what ipcs and /dev/shm show of ours (keys 0x1c..., ipclab-*)'
	@ipcs -m -s 2>/dev/null | awk -v me="$$(id -un 2>/dev/null || id -u)" 'tolower($$1) ~ /^0x1c/ && $$3 == me { print; n++ } END { exit n == 0 }' \
		|| echo 'ipcs -m -s: no ipclab segment or semaphore set of yours'
	@ls /dev/shm | grep "ipclab-$$(id -u)-" || echo 'ls /dev/shm: no ipclab object of yours'
	@$(BIN)/ipclab-ipcs -N shm-sysv -N shm-posix -N shm-broken --fail-if-any

test:
	@sh tools/need.sh cmocka
	@$(MAKE) --no-print-directory test-run

test-run: $(DEMOS) $(TOOLS) $(TESTS)
	@sh tools/run-tests.sh $(TESTS)

check:
	@sh tools/need.sh cmocka
	@$(MAKE) --no-print-directory B=build/asan \
		CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
		LDFLAGS='-fsanitize=address,undefined' test-run

valgrind:
	@sh tools/need.sh cmocka valgrind
	@IPCLAB_VALGRIND=1 $(MAKE) --no-print-directory test-run

ipcs: $(TOOLS)
	@$(BIN)/ipclab-ipcs

ipcs-clean: $(TOOLS)
	@$(BIN)/ipclab-ipcs --clean

deps:
	@sh tools/need.sh cmocka gnuplot

clean:
	rm -rf $(B)

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
