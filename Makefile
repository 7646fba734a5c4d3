# ipclab - learn and measure Linux IPC.
#
#   make            build every program into build/bin
#   make run-shm    watch two processes share memory, then check nothing is left
#   make run-<mech> the same for sem, msgq, pipe, fifo, signal, socket
#   make run-all    every one of them
#   make bench      measure every mechanism: table, CSV, JSON, plots (bench/bench.mk)
#   make plots      draw the plots again from build/results
#   make test       build and run the cmocka tests (installs cmocka if it can)
#   make ipcs       list the suite's IPC objects alive on this machine
#   make ipcs-clean remove those whose processes are gone
#   make check      the tests again under AddressSanitizer and UBSan
#   make soak       many kill points (IPCLAB_KILLPOINTS, default 300)
#   make valgrind   the tests again, every program under valgrind (slow)
#   make clean      remove build/

CC      ?= cc
CFLAGS  ?= -O2 -g
# Always on, even when CFLAGS is given on the command line (make check).
BASE_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	   -Wall -Wextra -Werror -Ilib -Ibench -MMD -MP
LDLIBS  += -lrt -pthread

B       := build
BIN     := $(B)/bin
LIB     := $(B)/libipclab.a
BLIB    := $(B)/libbench.a

# One folder a mechanism: its demos are <mech>/<mech>_*.c, and its
# run-<mech> target is in <mech>/<mech>.mk, included below.
MECHS    := shm sem msgq pipe fifo signal socket
LIB_SRC  := $(wildcard lib/*.c)
DEMO_SRC := $(filter-out %_transport.c,$(foreach m,$(MECHS),$(wildcard $(m)/$(m)_*.c)))
TOOL_SRC := tools/ipclab-ipcs.c
# ipcbench: bench/ipcbench.c is its main; the rest of bench/ and every
# <mech>/<mech>_transport.c make the benchmark's library.  bench/bare.c is
# the yardstick: the same system calls with no harness around them.
BENCH_SRC := $(filter-out bench/ipcbench.c bench/bare.c,$(wildcard bench/*.c)) \
	     $(foreach m,$(MECHS),$(wildcard $(m)/$(m)_transport.c))
TEST_SRC := $(wildcard tests/test_*.c)

DEMOS   := $(patsubst %.c,$(BIN)/%,$(notdir $(DEMO_SRC)))
TOOLS   := $(BIN)/ipclab-ipcs $(BIN)/ipcbench-bare \
	   $(if $(wildcard bench/ipcbench.c),$(BIN)/ipcbench)
TESTS   := $(patsubst %.c,$(BIN)/%,$(notdir $(TEST_SRC)))

.SECONDARY:
.PHONY: all run-all test test-run check soak valgrind ipcs ipcs-clean deps clean

all: $(DEMOS) $(TOOLS)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(EXTRA_CFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(patsubst %.c,$(B)/obj/%.o,$(LIB_SRC))
	$(AR) rcs $@ $^

# A demo is one file: build/bin/shm_sysv_writer from shm/shm_sysv_writer.c.
define demo_rule
$$(BIN)/$(1)_%: $$(B)/obj/$(1)/$(1)_%.o $$(LIB)
	@mkdir -p $$(BIN)
	$$(CC) $$(CFLAGS) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach m,$(MECHS),$(eval $(call demo_rule,$(m))))

$(BIN)/ipclab-ipcs: $(B)/obj/tools/ipclab-ipcs.o $(LIB)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BLIB): $(patsubst %.c,$(B)/obj/%.o,$(BENCH_SRC))
	$(AR) rcs $@ $^

$(BIN)/ipcbench-bare: $(B)/obj/bench/bare.o $(LIB)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/ipcbench: $(B)/obj/bench/ipcbench.o $(BLIB) $(LIB)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lm

$(B)/obj/tests/%.o: EXTRA_CFLAGS := -Itests
$(BIN)/test_%: $(B)/obj/tests/test_%.o $(B)/obj/tests/harness.o $(BLIB) $(LIB)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcmocka $(LDLIBS) -lm

# Each run-<mech> target starts the demos as a learner would by hand,
# then shows that nothing was left behind (tools/left-behind.sh).
include $(wildcard $(addsuffix /*.mk,$(MECHS) bench))

# One after another, so that their output does not interleave.
run-all: $(DEMOS) $(TOOLS)
	@for t in $(RUN_TARGETS); do $(MAKE) --no-print-directory $$t || exit 1; echo; done

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

# Every demo pair and ipcbench transport killed at many random moments
# (tests/test_killpoints.c; make test runs a bounded sample of it).
soak: $(DEMOS) $(TOOLS) $(BIN)/test_killpoints
	@sh tools/need.sh cmocka
	IPCLAB_KILLPOINTS=$${IPCLAB_KILLPOINTS:-300} $(BIN)/test_killpoints

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
