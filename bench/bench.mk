# bench.mk - make bench: every transport measured on default settings, a
# ranked table on stdout, progress on stderr, and build/results/bench.csv,
# bench.json, bench.txt and the plots, and the gap sweep in
# build/results/gap (below); make plots draws the plots again
# from build/results; make bench-docs puts the tables and plots of the last
# run into docs/bench.md and docs/img.
RESULTS := $(B)/results
.PHONY: bench plots bench-docs

# The build's version, recorded in bench.json's meta.  $(B)/version is
# rewritten only when git describe changes, and meta.o depends on it, so a
# new commit rebuilds meta.o and nothing else.
VERSION = $(shell git describe --always --dirty 2>/dev/null || echo unknown)
.PHONY: FORCE
$(B)/version: FORCE
	@mkdir -p $(B)
	@echo '$(VERSION)' | cmp -s - $@ || echo '$(VERSION)' >$@
$(B)/obj/bench/meta.o: $(B)/version
$(B)/obj/bench/meta.o: EXTRA_CFLAGS += -DIPCLAB_VERSION='"$(VERSION)"'

# The main run makes every measurement ROUNDS times, round after round
# (ipcbench --rounds), so that each row shows how far its p50 moved; each
# round aims at 1/ROUNDS of the usual 0.25 s, so three rounds cost about
# what one did, plus their starts.
ROUNDS ?= 3

# A failed measurement makes ipcbench exit 1: the plots are still drawn
# from the rest, and make bench fails at the end.  gnuplot is installed
# when it can be (as root or with sudo); otherwise need.sh prints the
# command and bench ends with the table and files only.
#
# Then the gap sweep: round trips at 64 B with the client sleeping a gap
# before each (--gap), on the five transports that tell the story (a
# spinner, shared memory with a futex wait, pipe, socket, queue), into
# $(RESULTS)/gap.  Its automatic counts spend about 0.25 s a measurement
# on gaps and round trips together, so the 35 measurements take some 20 s.
# GAP_CPUS: the two CPUs it runs on (the main run's default pair).
GAP_MECHS ?= shm-spin,shm-posix,pipe,socket-unix,msgq-posix
GAP_LIST  ?= 0,10us,30us,100us,300us,1ms,3ms
GAP_CPUS  ?= 0,1
GAP_ARGS   = -m $(GAP_MECHS) -p latency -s 64 --cpus $(GAP_CPUS) --gap $(GAP_LIST)
bench: $(BIN)/ipcbench
	@mkdir -p $(RESULTS)
	@echo "$(BIN)/ipcbench --rounds $(ROUNDS) --save $(RESULTS)"; \
	$(BIN)/ipcbench --rounds $(ROUNDS) --save $(RESULTS); status=$$?; \
	[ $$status -le 1 ] || exit $$status; \
	echo; echo "$(BIN)/ipcbench $(GAP_ARGS) --save $(RESULTS)/gap"; \
	$(BIN)/ipcbench $(GAP_ARGS) --save $(RESULTS)/gap; gstatus=$$?; \
	[ $$gstatus -le 1 ] || exit $$gstatus; \
	[ $$gstatus -eq 0 ] || status=1; \
	if $(MAKE) --no-print-directory deps DEPS=gnuplot; then \
		$(MAKE) --no-print-directory plots || exit 1; \
	else \
		echo "make bench: the plots were not drawn (no gnuplot); the table and files are in $(RESULTS)."; \
		echo "  once gnuplot is there, make plots draws them without measuring again"; \
	fi; \
	exit $$status

plots:
	@test -f $(RESULTS)/bench.csv || { echo "no $(RESULTS)/bench.csv: run make bench first" >&2; exit 1; }
	@$(MAKE) --no-print-directory deps DEPS=gnuplot
	gnuplot -e "dir='$(RESULTS)'" bench/plots.gp
	@ls $(RESULTS)/*.png $(RESULTS)/*.svg

# docs/bench.md's tables and plots from the last make bench.
bench-docs:
	@test -f $(RESULTS)/latency.png || { echo "no plots in $(RESULTS): run make bench first" >&2; exit 1; }
	sh bench/results-md.sh --update docs/bench.md $(RESULTS)
	@mkdir -p docs/img
	@for p in latency throughput cdf cpu placement gap; do cp $(RESULTS)/$$p.png docs/img/bench-$$p.png; done
	@ls -l docs/img/bench-*.png

# ipcbench beside the field's tools (bench/peers.sh): rt-tests' pmqtest,
# svsematest, sigwaittest (and ptsematest, the floor) and sockperf, each
# run in turn with its ipcbench counterpart, on two CPUs then one; a table
# on stdout and $(RESULTS)/peers.csv.  need.sh installs the tools when it
# can; without them (or without root, which rt-tests need), the rest run.
.PHONY: bench-peers
bench-peers: $(BIN)/ipcbench
	@$(MAKE) --no-print-directory deps DEPS="rt-tests sockperf" || \
		echo "make bench-peers: going on with the tools that are there" >&2
	@mkdir -p $(RESULTS)
	@sh bench/peers.sh $(BIN)/ipcbench $(RESULTS)

# ipcbench --serve and --connect across two network namespaces joined by
# a veth pair, without and with 1 ms of netem delay each way
# (bench/netns-check.sh; as root; the namespaces go whatever happens).
.PHONY: bench-netns
bench-netns: $(BIN)/ipcbench
	@sh bench/netns-check.sh $(BIN)/ipcbench; rc=$$?; [ $$rc -eq 77 ] || exit $$rc

# Hold ipcbench to its yardsticks: bare system-call loops, one cache line,
# and the pipe (bench/bare-check.sh; slow, run it on a quiet machine).
.PHONY: bench-check
bench-check: $(BIN)/ipcbench $(BIN)/ipcbench-bare
	@sh bench/bare-check.sh
