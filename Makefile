# ipclab - learn and measure Linux IPC.
#
#   make            build every program into build/bin
#   make run-shm    watch two processes share memory, then check nothing is left
#   make run-<mech> the same for sem, msgq, pipe, fifo, signal, socket
#   make run-all    every one of them
#   make exercises  list the exercises (<mech>/exercises/), each done or to do
#   make exercise   check them in order; stop at the first to do (or: N)
#   make bench      measure every mechanism: table, CSV, JSON, plots (bench/bench.mk)
#   make plots      draw the plots again from build/results
#   make test       build and run the cmocka tests (installs cmocka if it can),
#                   then make docs-check
#   make docs-check the docs still quote the code as it is, and every link holds
#   make ipcs       list the suite's IPC objects alive on this machine
#   make ipcs-clean remove those whose processes are gone
#   make check      the tests again under AddressSanitizer and UBSan
#   make soak       many kill points (IPCLAB_KILLPOINTS, default 300)
#   make valgrind   the tests again, every program under valgrind (slow)
#   make fuzz       libFuzzer on the parsers, FUZZ_SECONDS each (not in CI)
#   make clean      remove build/

CFLAGS  ?= -O2 -g
# Always on, even when CFLAGS is given on the command line (make check).
# -Ibench is not here: only the benchmark, the transports and the tests
# may include its headers (below), so a demo that tries fails to build.
BASE_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	   -Wall -Wextra -Werror -Ilib -MMD -MP
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
# ipcbench-bare, the yardstick: the same system calls with no harness.
BENCH_SRC := $(filter-out bench/ipcbench.c bench/bare.c,$(wildcard bench/*.c)) \
	     $(foreach m,$(MECHS),$(wildcard $(m)/$(m)_transport.c))
TEST_SRC := $(wildcard tests/test_*.c)
# ipclab-exercise, the checker of make exercise: tools/exercise.c and each
# mechanism's checks.  The exercises themselves are built by the checker
# (or make build/bin/ex/SLUG), never by make all: a learner's half-edited
# file must not stop make run-shm.
EX_SRC   := tools/exercise.c $(foreach m,$(MECHS),$(wildcard $(m)/exercises/$(m)_checks.c))

DEMOS   := $(patsubst %.c,$(BIN)/%,$(notdir $(DEMO_SRC)))
TOOLS   := $(BIN)/ipclab-ipcs $(BIN)/ipcbench-bare $(BIN)/ipcbench \
	   $(BIN)/ipclab-exercise
TESTS   := $(patsubst %.c,$(BIN)/%,$(notdir $(TEST_SRC)))

obj      = $(patsubst %.c,$(B)/obj/%.o,$(1))
ALL_OBJ := $(call obj,$(LIB_SRC) $(DEMO_SRC) $(TOOL_SRC) $(BENCH_SRC) \
	     $(TEST_SRC) $(EX_SRC) tests/harness.c bench/ipcbench.c bench/bare.c)

.SECONDARY:
# A recipe that fails leaves no half-written target to be taken as done.
.DELETE_ON_ERROR:
.PHONY: all run-all exercises exercise test test-run docs-check check soak valgrind fuzz ipcs ipcs-clean deps clean

all: $(DEMOS) $(TOOLS)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(EXTRA_CFLAGS) $(CFLAGS) -c -o $@ $<

# Who may include the benchmark's headers: bench/, the transports, tests.
$(B)/obj/bench/%.o $(B)/obj/%_transport.o: EXTRA_CFLAGS += -Ibench
$(B)/obj/tests/%.o: EXTRA_CFLAGS += -Itests -Ibench
$(B)/obj/%_checks.o: EXTRA_CFLAGS += -Itools

# Every program is linked the same way; what differs is its objects and,
# for a few, one more library.
define link
@mkdir -p $(BIN)
$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
endef

# Archives are made anew, so that a renamed or removed source leaves no
# stale member behind to clash with its successor.
$(LIB): $(call obj,$(LIB_SRC))
	@rm -f $@
	$(AR) rcs $@ $^

$(BLIB): $(call obj,$(BENCH_SRC))
	@rm -f $@
	$(AR) rcs $@ $^

# A demo is one file: build/bin/shm_sysv_writer from shm/shm_sysv_writer.c.
define demo_rule
$$(BIN)/$(1)_%: $$(B)/obj/$(1)/$(1)_%.o $$(LIB)
	$$(link)
endef
$(foreach m,$(MECHS),$(eval $(call demo_rule,$(m))))

$(BIN)/ipclab-ipcs: $(B)/obj/tools/ipclab-ipcs.o $(LIB)
	$(link)

$(BIN)/ipclab-exercise: $(call obj,$(EX_SRC))
	$(link)

# An exercise alone, built as ipclab-exercise builds it: plain libc, as a
# learner who copied the file would build it.
define exercise_rule
$$(BIN)/ex/%: $(1)/exercises/%.c
	@mkdir -p $$(dir $$@)
	$$(CC) -Wall -Wextra -Werror -g -o $$@ $$< -lrt -pthread
endef
$(foreach m,$(MECHS),$(eval $(call exercise_rule,$(m))))

$(BIN)/ipcbench-bare: $(B)/obj/bench/bare.o $(LIB)
	$(link)

$(BIN)/ipcbench: LDLIBS += -lm
$(BIN)/ipcbench: $(B)/obj/bench/ipcbench.o $(BLIB) $(LIB)
	$(link)

$(BIN)/test_%: LDLIBS := -lcmocka $(LDLIBS) -lm
$(BIN)/test_%: $(B)/obj/tests/test_%.o $(B)/obj/tests/harness.o $(BLIB) $(LIB)
	$(link)

# Each run-<mech> target starts the demos as a learner would by hand,
# then shows that nothing was left behind (tools/left-behind.sh).
include $(wildcard $(addsuffix /*.mk,$(MECHS) bench))

# One after another, so that their output does not interleave.
run-all: $(DEMOS) $(TOOLS)
	@for t in $(RUN_TARGETS); do $(MAKE) --no-print-directory $$t || exit 1; echo; done

# make exercises: every exercise and its state, decided by its check.
# make exercise: check them in order, stop at the first not yet done.
# make exercise N: check exercise N alone (N is a word of the goals).
ifeq (exercise,$(firstword $(MAKECMDGOALS)))
EX_ARG := $(wordlist 2,$(words $(MAKECMDGOALS)),$(MAKECMDGOALS))
ifneq (,$(EX_ARG))
$(eval $(EX_ARG):;@:)
endif
endif

exercises: $(DEMOS) $(TOOLS)
	@IPCLAB_CC='$(CC)' $(BIN)/ipclab-exercise list

# An exercise not done yet is news, not a failure of make: only a usage
# error (exit 2) fails.
exercise: $(DEMOS) $(TOOLS)
	@IPCLAB_CC='$(CC)' $(BIN)/ipclab-exercise check $(EX_ARG); [ $$? -ne 2 ]

test:
	@$(MAKE) --no-print-directory deps DEPS=cmocka
	@$(MAKE) --no-print-directory test-run
	@sh tools/docs-check.sh

# Every excerpt in docs/ still matches the file it quotes, every link and
# anchor resolves (tools/docs-check.awk says how excerpts are marked).
docs-check:
	@sh tools/docs-check.sh

test-run: $(DEMOS) $(TOOLS) $(TESTS)
	@sh tools/run-tests.sh $(TESTS)

check:
	@$(MAKE) --no-print-directory deps DEPS=cmocka
	@$(MAKE) --no-print-directory B=build/asan \
		CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' \
		LDFLAGS='-fsanitize=address,undefined' test-run

# Every demo pair and ipcbench transport killed at many random moments
# (tests/test_killpoints.c; make test runs a bounded sample of it).
soak:
	@$(MAKE) --no-print-directory deps DEPS=cmocka
	@$(MAKE) --no-print-directory $(DEMOS) $(TOOLS) $(BIN)/test_killpoints
	IPCLAB_KILLPOINTS=$${IPCLAB_KILLPOINTS:-300} $(BIN)/test_killpoints

valgrind:
	@$(MAKE) --no-print-directory deps DEPS="cmocka valgrind"
	@IPCLAB_VALGRIND=1 $(MAKE) --no-print-directory test-run

# The parsers under libFuzzer (clang), with ASan and UBSan: each target in
# tests/fuzz/ is built from the sources themselves, and runs FUZZ_SECONDS;
# what it finds is saved in build/fuzz/.  Its corpus grows from run to run.
FUZZ_SECONDS ?= 30
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined \
	      -fno-sanitize-recover=all -Itests/fuzz -Ibench -Isocket
FUZZ_BINS  := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(LIB_SRC) $(BENCH_SRC)
	@mkdir -p $(B)/fuzz
	clang $(filter-out -MMD -MP,$(BASE_CFLAGS)) $(FUZZ_FLAGS) -o $@ \
		$< $(LIB_SRC) $(BENCH_SRC) $(LDLIBS) -lm

fuzz: $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do \
		mkdir -p $$f.corpus && \
		$$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
		    -print_final_stats=1 -artifact_prefix=$$f- $$f.corpus \
		    >$$f.log 2>&1; rc=$$?; \
		echo "$$(basename $$f): $$(sed -n 's/^stat::number_of_executed_units: *//p' $$f.log) runs in $(FUZZ_SECONDS) s, exit $$rc (log $$f.log)"; \
		[ $$rc -eq 0 ] || { tail -30 $$f.log; exit 1; }; \
	done

ipcs: $(TOOLS)
	@$(BIN)/ipclab-ipcs

ipcs-clean: $(TOOLS)
	@$(BIN)/ipclab-ipcs --clean

# The one place that installs what is missing (tools/need.sh): test,
# check, valgrind and bench ask it for what they need.
DEPS := cmocka gnuplot
deps:
	@sh tools/need.sh $(DEPS)

clean:
	rm -rf $(B)

-include $(ALL_OBJ:.o=.d)
