#!/bin/sh
# run-tests.sh - run each cmocka test program, then one line for them all.
#
#   sh tools/run-tests.sh build/bin/test_*
#
# cmocka prints its own "[  PASSED  ] N test(s)." summary for each group
# of tests; the last line adds them all up.  Exits 1 if any program failed or crashed.
set -u
passed=0 failed=0 bad=0
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
# With IPCLAB_VALGRIND set (make valgrind), each test program runs under
# valgrind, and so does every program a test starts (tests/harness.c).
wrap=
[ -n "${IPCLAB_VALGRIND:-}" ] && wrap="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
for t in "$@"; do
	$wrap "$t" >"$out" 2>&1
	rc=$?
	cat "$out"
	# A program may run several groups: add up every summary line.
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | awk '{ n += $1 } END { print n + 0 }')
	# " N FAILED TEST(S)" also counts tests whose setup or teardown
	# failed, which the "[  FAILED  ] N test(s)" line leaves out.
	f=$(sed -n 's/^ *\([0-9]*\) FAILED TEST(S)$/\1/p' "$out" | awk '{ n += $1 } END { print n + 0 }')
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$t: exited with status $rc" >&2
		bad=$((bad + 1))
	fi
done
echo "total: $passed passed, $((failed + bad)) failed"
[ "$failed" -eq 0 ] && [ "$bad" -eq 0 ]
