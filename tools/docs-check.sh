#!/bin/sh
# docs-check.sh - the docs still say what the code does.
#
#   sh tools/docs-check.sh [FILE.md ...]
#
# Checks README.md and every page under docs/ (or the files named) with
# tools/docs-check.awk: marked code excerpts against the files they quote,
# links and anchors against their targets.  Prints `docs-check: N pages,
# N faults` and exits 1 on any fault.
#
# Then, for each translated page (docs/zh-CN/*.md), whose first line names
# the English page and the commit it was translated from, it warns (and
# does not fail) when that page has changed since: in a later commit or in
# the working tree.  Without git, or when the commit is not here (a
# shallow clone), it says once that it cannot tell, and goes on.  Having
# brought a translation up to date (`git diff COMMIT HEAD -- SRC` says
# what changed), put `git log -1 --format=%H -- SRC` in its first line.
set -u
cd "$(dirname "$0")/.." || exit 1
[ $# -gt 0 ] || set -- README.md $(find docs -name '*.md' | sort)
awk -f tools/docs-check.awk "$@"
rc=$?

# Can git answer for this tree?  Only if the tree is a repository's top.
git_ok() {
	top=$(git rev-parse --show-toplevel 2>/dev/null) &&
		[ "$(cd "$top" && pwd -P)" = "$(pwd -P)" ] &&
		git rev-parse -q --verify HEAD >/dev/null 2>&1
}

untold=""
cannot_tell() {
	[ -n "$untold" ] && return
	untold=1
	echo "docs-check: cannot tell whether the translations are behind" \
		"their English pages: $1"
}

for page in "$@"; do
	case $page in docs/zh-CN/*.md | ./docs/zh-CN/*.md) ;; *) continue ;; esac
	from=$(sed -n '1s/^<!-- translated from: \(.*\) -->[[:space:]]*$/\1/p' "$page")
	[ -n "$from" ] && [ "$from" != none ] || continue # none, or the awk's fault
	if ! command -v git >/dev/null 2>&1; then
		cannot_tell "no git"
		break
	fi
	if ! git_ok; then
		cannot_tell "this tree is not a git repository"
		break
	fi
	# "SRC at COMMIT, SRC at COMMIT": one pair a line
	while read -r src at commit; do
		[ "$at" = at ] || continue # malformed: the awk said so
		if ! git cat-file -e "$commit^{commit}" 2>/dev/null; then
			cannot_tell "commit $commit ($page) is not here (a shallow clone?)"
			continue
		fi
		if ! git diff --quiet "$commit" HEAD -- "$src"; then
			echo "docs-check: warning: $page: $src has changed since" \
				"$commit, in a later commit: the translation may be behind"
		elif ! git diff --quiet "$commit" -- "$src"; then
			echo "docs-check: warning: $page: $src has uncommitted" \
				"changes since $commit: the translation may be behind"
		fi
	done <<-PAIRS
	$(echo "$from" | tr ',' '\n')
	PAIRS
done

if [ $rc = 0 ]; then
	echo "docs-check: $# pages, every excerpt and link holds"
else
	echo "docs-check: $# pages; the lines above no longer hold" >&2
fi
exit $rc
