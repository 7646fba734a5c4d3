# docs-check.awk - hold the Markdown files to the tree they describe.
#
#   awk -f tools/docs-check.awk README.md docs/*.md
#
# Run from the top of the tree (tools/docs-check.sh does).  For each file:
#
# - A fenced code block may carry a marker on the line just before its
#   opening fence, saying where it comes from:
#     <!-- file: PATH -->        the block is the whole of PATH, exactly
#     <!-- excerpt: PATH -->     its lines stand in PATH, in order, as one
#                                run; white space at either end of a line
#                                is ignored; a line `...` or `/* ... */`
#                                stands for any number of lines skipped
#     <!-- diff: OLD NEW -->     the block is `diff -u OLD NEW` less its
#                                two header lines
#     <!-- sketch -->            code written for the page, from no file
#     <!-- output: COMMAND (captured ...) -->   captured output: what ran
#   Every ```c block needs one of the first four, so that no excerpt can go
#   unchecked by being left unmarked.
# - Every relative link and image resolves, and so does its #anchor: a
#   heading of the target page (GitHub's rule: lower case, punctuation
#   dropped, spaces to hyphens, -1, -2 ... for repeats) or an explicit
#   <a id="..."> / <a name="...">.  A link to a heading whose anchor
#   holds Chinese text is a fault: GitHub and this script drop full-width
#   punctuation differently, so such a link needs an explicit
#   <a id="..."> before the heading.
# - A translated page, docs/zh-CN/*.md, begins with the line
#     <!-- translated from: SRC at COMMIT[, SRC at COMMIT ...] -->
#   (or `<!-- translated from: none -->`): SRC a page of the tree, COMMIT
#   40 hex digits.  tools/docs-check.sh uses it to warn when SRC changed
#   after COMMIT.
#
# Prints one line per fault, `FILE:LINE: what`, and exits 1 if there were
# any.

BEGIN {
	faults = 0
}

function fault(msg) {
	printf "%s:%d: %s\n", FILENAME, at ? at : FNR, msg
	faults++
}

function trim(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t\r]+$/, "", s)
	return s
}

# Read PATH into lines[1..n]; return n, or -1 if it cannot be read.
function slurp(path, lines,    n, line, rc) {
	n = 0
	while ((rc = (getline line < path)) > 0)
		lines[++n] = line
	close(path)
	if (rc < 0)
		return -1
	return n
}

function exists(path) {
	return system("test -e '" path "'") == 0
}

function is_gap(s) {
	s = trim(s)
	return s == "..." || s == "/* ... */"
}

# Does the block (blk[1..nb]) stand in flines[1..nf]: the lines in order,
# each run between gaps contiguous?  Returns 0 on a match, else the index
# of the first block line that could not be placed.
function excerpt_matches(nb, nf,    bi, fi, start, k, ok, worst) {
	bi = 1
	fi = 1
	worst = 1
	while (bi <= nb) {
		if (is_gap(blk[bi])) {
			bi++
			continue
		}
		# the run of non-gap lines from bi
		for (k = bi; k <= nb && !is_gap(blk[k]); k++)
			;
		ok = 0
		for (start = fi; start + (k - bi) - 1 <= nf; start++) {
			ok = 1
			for (j = 0; j < k - bi; j++)
				if (trim(blk[bi + j]) != trim(flines[start + j])) {
					ok = 0
					if (bi + j > worst)
						worst = bi + j
					break
				}
			if (ok)
				break
		}
		if (!ok)
			return worst > bi ? worst : bi
		fi = start + (k - bi)
		bi = k
	}
	return 0
}

function check_block(    n, i, cmd, line, what) {
	if (mark_kind == "" && lang == "c") {
		fault("```c block with no <!-- file|excerpt|diff|sketch --> marker")
		return
	}
	if (mark_kind == "file") {
		n = slurp(mark_a, flines)
		if (n < 0) {
			fault("file: " mark_a ": cannot read it")
			return
		}
		if (n != nb) {
			fault(sprintf("file: %s has %d lines, the block %d", mark_a, n, nb))
			return
		}
		for (i = 1; i <= nb; i++)
			if (blk[i] != flines[i]) {
				fault(sprintf("file: %s line %d differs: %s", mark_a, i, blk[i]))
				return
			}
	} else if (mark_kind == "excerpt") {
		n = slurp(mark_a, flines)
		if (n < 0) {
			fault("excerpt: " mark_a ": cannot read it")
			return
		}
		i = excerpt_matches(nb, n)
		if (i)
			fault(sprintf("excerpt: line %d of the block is not where it should be in %s: %s",
			    i, mark_a, trim(blk[i])))
	} else if (mark_kind == "diff") {
		if (!exists(mark_a) || !exists(mark_b)) {
			fault("diff: " mark_a " or " mark_b " does not exist")
			return
		}
		cmd = "diff -u '" mark_a "' '" mark_b "' | tail -n +3"
		n = 0
		while ((cmd | getline line) > 0)
			flines[++n] = line
		close(cmd)
		if (n != nb) {
			fault(sprintf("diff: diff -u %s %s has %d lines, the block %d",
			    mark_a, mark_b, n, nb))
			return
		}
		for (i = 1; i <= nb; i++)
			if (blk[i] != flines[i]) {
				fault(sprintf("diff: %s %s: line %d differs: %s", mark_a,
				    mark_b, i, blk[i]))
				return
			}
	}
}

# GitHub's anchor for a heading's text.
function slug(s) {
	s = tolower(trim(s))
	gsub(/`/, "", s)
	gsub(/\[|\]\([^)]*\)/, "", s)   # a link in a heading keeps its text
	gsub(/[^a-z0-9 _\200-\377-]/, "", s)
	gsub(/ /, "-", s)
	return s
}

# Fill anchors[path, slug] for PATH once.
function load_anchors(path,    line, infence, seen, a, rest, m) {
	if ((path, "") in anchors)
		return
	anchors[path, ""] = 1
	infence = 0
	while ((getline line < path) > 0) {
		if (line ~ /^[ \t]*(```|~~~)/) {
			infence = !infence
			continue
		}
		if (infence)
			continue
		if (line ~ /^#+[ \t]/) {
			sub(/^#+[ \t]+/, "", line)
			sub(/[ \t]+#+[ \t]*$/, "", line)
			a = slug(line)
			if ((path, a) in anchors) {
				for (m = 1; (path, a "-" m) in anchors; m++)
					;
				a = a "-" m
			}
			# 2: holds Chinese (or Japanese, Korean) text or full-width
			# punctuation, UTF-8 lead bytes 0xe3-0xe9 and 0xef: too
			# fragile to link to
			anchors[path, a] = a ~ /[\343-\351\357]/ ? 2 : 1
			continue
		}
		rest = line
		while (match(rest, /<a (id|name)="[^"]*"/)) {
			a = substr(rest, RSTART, RLENGTH)
			sub(/^<a (id|name)="/, "", a)
			sub(/"$/, "", a)
			anchors[path, a] = 1
			rest = substr(rest, RSTART + RLENGTH)
		}
	}
	close(path)
}

function dirname(p) {
	if (p !~ /\//)
		return "."
	sub(/\/[^\/]*$/, "", p)
	return p
}

function check_link(target,    path, anchor, k) {
	if (target ~ /^[a-z]+:/ || target ~ /^\/\//)
		return                  # http:, https:, mailto:
	sub(/[ \t]+"[^"]*"$/, "", target)   # a title
	anchor = ""
	k = index(target, "#")
	if (k) {
		anchor = substr(target, k + 1)
		target = substr(target, 1, k - 1)
	}
	path = target == "" ? FILENAME : dirname(FILENAME) "/" target
	if (target != "" && !exists(path)) {
		fault("link to " target ": no such file")
		return
	}
	if (anchor == "")
		return
	if (path !~ /\.md$/) {
		return                  # an anchor into code: a line number
	}
	load_anchors(path)
	if (!((path, anchor) in anchors))
		fault("link to " target "#" anchor ": no such heading or anchor")
	else if (anchors[path, anchor] == 2)
		fault("link to " target "#" anchor ": a Chinese heading's anchor;"\
		    " put <a id=\"...\"></a> before the heading and link to that")
}

# The first line of a translated page: where it was translated from.
function check_translated(line,    rest, n, i, parts, src) {
	if (line !~ /^<!-- translated from: .* -->[ \t\r]*$/) {
		fault("a translated page's first line must be " \
		    "<!-- translated from: SRC at COMMIT --> (or: none)")
		return
	}
	rest = line
	sub(/^<!-- translated from: /, "", rest)
	sub(/ -->[ \t\r]*$/, "", rest)
	if (rest == "none")
		return
	n = split(rest, parts, /, /)
	for (i = 1; i <= n; i++) {
		if (parts[i] !~ /^[^ ]+ at [0-9a-f]+$/ ||
		    length(parts[i]) - index(parts[i], " at ") - 3 != 40) {
			fault("translated from: '" parts[i] "' is not SRC at a 40-hex COMMIT")
			continue
		}
		src = parts[i]
		sub(/ .*$/, "", src)
		if (!exists(src))
			fault("translated from: " src ": no such file")
	}
}

function check_links(line,    rest, t) {
	gsub(/`[^`]*`/, "", line)       # links in inline code are not links
	rest = line
	while (match(rest, /\]\([^)]*\)/)) {
		t = substr(rest, RSTART + 2, RLENGTH - 3)
		rest = substr(rest, RSTART + RLENGTH)
		check_link(t)
	}
}

FNR == 1 {
	infence = 0
	prev = ""
	if (FILENAME ~ /(^|\/)docs\/zh-CN\/[^\/]*\.md$/)
		check_translated($0)
}

{
	line = $0
	if (!infence && line ~ /^[ \t]*(```|~~~)/) {
		infence = 1
		fence = line
		sub(/[^`~].*$/, "", fence)
		sub(/^[ \t]*/, "", fence)
		lang = line
		sub(/^[ \t]*(```+|~~~+)[ \t]*/, "", lang)
		sub(/[ \t].*$/, "", lang)
		nb = 0
		mark_kind = ""
		mark_a = mark_b = ""
		m = prev
		if (match(m, /^<!-- *(file|excerpt|diff|sketch|output)(:|[ \t]|-->)/)) {
			sub(/^<!-- */, "", m)
			sub(/ *-->[ \t]*$/, "", m)
			mark_kind = m
			sub(/[: \t].*$/, "", mark_kind)
			sub(/^[a-z]+:? */, "", m)
			if (mark_kind == "file" || mark_kind == "excerpt") {
				mark_a = m
				if (mark_a == "" || !exists(mark_a))
					fault(mark_kind ": " mark_a ": no such file")
			} else if (mark_kind == "diff") {
				split(m, parts, /[ \t]+/)
				mark_a = parts[1]
				mark_b = parts[2]
			} else if (mark_kind == "output" && trim(m) == "") {
				fault("output marker names no command")
			}
		}
		start_line = FNR
		prev = line
		next
	}
	if (infence) {
		if (trim(line) == fence) {
			infence = 0
			at = start_line
			check_block()
			at = 0
			prev = line
			next
		}
		blk[++nb] = line
		prev = line
		next
	}
	if (match(line, /^ {0,3}\[[^]]+\]: +[^ ]+/)) {
		t = line
		sub(/^ *\[[^]]+\]: +/, "", t)
		sub(/ .*$/, "", t)
		check_link(t)
	} else
		check_links(line)
	prev = line
}

END {
	if (infence)
		printf "%s: a code block is never closed\n", FILENAME
	exit faults ? 1 : 0
}
