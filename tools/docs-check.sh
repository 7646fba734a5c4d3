#!/bin/sh
# docs-check.sh - the docs still say what the code does.
#
#   sh tools/docs-check.sh [FILE.md ...]
#
# Checks README.md and every page under docs/ (or the files named) with
# tools/docs-check.awk: marked code excerpts against the files they quote,
# links and anchors against their targets.  Prints `docs-check: N pages,
# N faults` and exits 1 on any fault.
set -u
cd "$(dirname "$0")/.." || exit 1
[ $# -gt 0 ] || set -- README.md $(find docs -name '*.md' | sort)
awk -f tools/docs-check.awk "$@"
rc=$?
if [ $rc = 0 ]; then
	echo "docs-check: $# pages, every excerpt and link holds"
else
	echo "docs-check: $# pages; the lines above no longer hold" >&2
fi
exit $rc
