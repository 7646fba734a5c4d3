# fifo.mk - make run-fifo: the reader (which makes the FIFO) and the writer
# started side by side, as two unrelated programs; a look at the FIFO while
# they run; a reader serving two writers; a reader killed and replaced;
# then what is left.
RUN_TARGETS += run-fifo
.PHONY: run-fifo
# Where fifo_reader puts its FIFO for -N NAME (fifo/fifo.h).
fifo_dir = $${TMPDIR:-/tmp}/ipclab-$$(id -u)-$(1)
run-fifo: $(DEMOS) $(TOOLS)
	@echo '== fifo_reader makes a FIFO in a private directory; fifo_writer finds it'
	$(BIN)/fifo_reader & r=$$!; $(BIN)/fifo_writer & w=$$!; \
	sleep 0.5; ls -ld $(call fifo_dir,fifo) $(call fifo_dir,fifo)/fifo; \
	wait $$w; s=$$?; wait $$r && exit $$s
	@echo
	@echo '== A server: one reader, two writers in turn, a dummy write end in between'
	$(BIN)/fifo_reader -N fifo-server -n 2 & \
	$(BIN)/fifo_writer -N fifo-server -n 3 -i 50 && \
	$(BIN)/fifo_writer -N fifo-server -n 3 -i 50; s=$$?; wait $$! && exit $$s
	@echo
	@echo '== A reader killed with SIGKILL leaves its FIFO; the next one replaces it'
	$(BIN)/fifo_reader -N fifo-stale & sleep 0.3; kill -KILL $$!; wait $$!; \
	ls -l $(call fifo_dir,fifo-stale); \
	$(BIN)/fifo_writer -N fifo-stale -n 3 -i 0 & sleep 0.2; \
	$(BIN)/fifo_reader -N fifo-stale; s=$$?; wait $$! && exit $$s
	@echo
	@BIN=$(BIN) sh tools/left-behind.sh -N fifo -N fifo-server -N fifo-stale
