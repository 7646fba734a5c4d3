#!/bin/sh
# need.sh - make sure the tools ipclab builds with are installed.
#
#   sh tools/need.sh cmocka gnuplot valgrind
#   sh tools/need.sh rt-tests sockperf     (make bench-peers)
#
# For each one missing: install it with apt-get or dnf when running as root
# or when sudo works without a password; otherwise print the one command to
# run and exit 1.
set -u

have_cmocka() {
	printf '#include <stdarg.h>\n#include <stddef.h>\n#include <stdint.h>\n#include <setjmp.h>\n#include <cmocka.h>\nint main(void) { return 0; }\n' |
		${CC:-cc} -x c - -lcmocka -o /dev/null >/dev/null 2>&1
}

have_gnuplot() {
	command -v gnuplot >/dev/null 2>&1
}

have_valgrind() {
	command -v valgrind >/dev/null 2>&1
}

# rt-tests: the four of its programs make bench-peers runs.
have_rt_tests() {
	for t in pmqtest svsematest sigwaittest ptsematest; do
		command -v $t >/dev/null 2>&1 || return 1
	done
}

have_sockperf() {
	command -v sockperf >/dev/null 2>&1
}

# The package that brings a tool, for this machine's package manager.
package() {
	case "$PM:$1" in
	apt-get:cmocka) echo libcmocka-dev ;;
	apt-get:gnuplot) echo gnuplot-nox ;;
	dnf:cmocka) echo libcmocka-devel ;;
	dnf:gnuplot) echo gnuplot ;;
	*:valgrind) echo valgrind ;;
	*:rt-tests) echo rt-tests ;;
	*:sockperf) echo sockperf ;;
	esac
}

if command -v apt-get >/dev/null 2>&1; then PM=apt-get
elif command -v dnf >/dev/null 2>&1; then PM=dnf
else PM=; fi

if [ "$(id -u)" = 0 ]; then SUDO=
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO=sudo
else SUDO=none; fi

missing=
for tool in "$@"; do
	have_$(echo "$tool" | tr - _) || missing="$missing $tool"
done
[ -z "$missing" ] && exit 0

if [ -z "$PM" ]; then
	echo "ipclab needs:$missing. Install them with your package manager." >&2
	exit 1
fi
pkgs=
for tool in $missing; do pkgs="$pkgs $(package "$tool")"; done
cmd="$PM install -y$pkgs"

if [ "$SUDO" = none ]; then
	echo "ipclab needs:$missing. Install with:" >&2
	if command -v sudo >/dev/null 2>&1; then
		echo "    sudo $cmd" >&2
	else
		echo "    $cmd      (as root)" >&2
	fi
	exit 1
fi
echo "ipclab: installing$pkgs (missing:$missing)" >&2
if [ "$PM" = apt-get ]; then
	export DEBIAN_FRONTEND=noninteractive
	# A fresh machine may have no package lists yet: fetch them and retry.
	$SUDO apt-get install -y -q $pkgs >/dev/null 2>&1 ||
		{ $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q $pkgs >/dev/null; } ||
		{ echo "ipclab: could not install$pkgs; try: sudo $cmd" >&2; exit 1; }
else
	$SUDO $cmd >/dev/null ||
		{ echo "ipclab: could not install$pkgs; try: sudo $cmd" >&2; exit 1; }
fi
for tool in $missing; do
	have_$(echo "$tool" | tr - _) || { echo "ipclab: $tool still missing after installing" >&2; exit 1; }
done
