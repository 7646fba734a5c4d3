# bench.mk - make bench: every transport measured on default settings, a
# ranked table on stdout, progress on stderr, and build/results/bench.csv,
# bench.json, bench.txt and the plots; make plots draws the plots again
# from build/results.
RESULTS := $(B)/results
.PHONY: bench plots

# The build's version, recorded in bench.json's meta.
$(B)/obj/bench/meta.o: EXTRA_CFLAGS += -DIPCLAB_VERSION='"$(shell git describe --always --dirty 2>/dev/null || echo unknown)"'

bench: $(BIN)/ipcbench
	@mkdir -p $(RESULTS)
	$(BIN)/ipcbench --save $(RESULTS)
	@if command -v gnuplot >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory plots; \
	else \
		echo "ipcbench: no gnuplot, so no plots; install it (make deps, or:)"; \
		sh tools/need.sh gnuplot || true; \
		echo "then run: make plots"; \
	fi

plots:
	@test -f $(RESULTS)/bench.csv || { echo "no $(RESULTS)/bench.csv: run make bench first" >&2; exit 1; }
	@sh tools/need.sh gnuplot
	gnuplot -e "dir='$(RESULTS)'" bench/plots.gp
	@ls $(RESULTS)/*.png $(RESULTS)/*.svg
