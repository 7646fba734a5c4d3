/* test_docs.c - make docs-check holds the docs to the code they quote.
 *
 * tools/docs-check.awk is run on small pages made for each case in a
 * temporary directory: each kind of marker passes when the page quotes its
 * file truly and fails when one line of the file changes; so do links and
 * anchors.  A translated page (docs/zh-CN) must say what it was translated
 * from, and in a small git repository docs-check.sh warns when that
 * English page changed since.  Last, the real docs: in a copy of the tree
 * they pass, and changing one line of code that a chapter quotes makes
 * them fail.
 *
 * Run from the top of the tree (make test does).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static int
setup(void **state)
{
	static char dir[] = "/tmp/ipclab-test-docs-XXXXXX";
	static char copy[sizeof(dir)];

	memcpy(copy, dir, sizeof(dir));
	if (!mkdtemp(copy))
		return -1;
	*state = copy;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", (char *)*state);
	return system(cmd) == 0 ? 0 : -1;
}

/* Write text into dir/name. */
static void
put(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* Check page.md in dir; returns docs-check.awk's exit status. */
static int
check(const char *dir, char *out, size_t size)
{
	return sh_run(dir, "awk -f \"$IPCLAB_TOP/tools/docs-check.awk\" page.md",
		      out, size);
}

static const char code[] = "int a;\n\tint b;\nint c;\nint d;\n";

static void
test_file_marker_holds_the_whole_file(void **state)
{
	const char *dir = *state;
	char out[4096];

	put(dir, "x.c", code);
	put(dir, "page.md", "<!-- file: x.c -->\n```c\nint a;\n\tint b;\n"
			    "int c;\nint d;\n```\n");
	assert_int_equal(check(dir, out, sizeof(out)), 0);

	put(dir, "x.c", "int a;\n\tint b2;\nint c;\nint d;\n");
	assert_int_equal(check(dir, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "page.md:2: file: x.c line 2 differs"));
}

static void
test_excerpt_marker_allows_gaps_and_indent_only(void **state)
{
	const char *dir = *state;
	char out[4096];

	put(dir, "x.c", code);
	put(dir, "page.md", "<!-- excerpt: x.c -->\n```c\nint a;\nint b;\n"
			    "...\nint d;\n```\n");
	assert_int_equal(check(dir, out, sizeof(out)), 0);

	/* one line of the quoted code changed */
	put(dir, "x.c", "int a;\n\tint b;\nint c;\nlong d;\n");
	assert_int_equal(check(dir, out, sizeof(out)), 1);
	assert_non_null(strstr(
		out, "line 4 of the block is not where it should be in x.c"));

	/* lines out of order are no excerpt */
	put(dir, "x.c", code);
	put(dir, "page.md",
	    "<!-- excerpt: x.c -->\n```c\nint b;\nint a;\n```\n");
	assert_int_equal(check(dir, out, sizeof(out)), 1);
	/* nor are lines apart, without a gap line between them */
	put(dir, "page.md",
	    "<!-- excerpt: x.c -->\n```c\nint a;\nint c;\n```\n");
	assert_int_equal(check(dir, out, sizeof(out)), 1);
}

static void
test_diff_marker_holds_the_diff(void **state)
{
	const char *dir = *state;
	char out[4096];

	put(dir, "x.c", code);
	put(dir, "y.c", "int a;\n\tint b;\nint c;\nint d;\nint e;\n");
	put(dir, "page.md", "<!-- diff: x.c y.c -->\n```diff\n@@ -2,3 +2,4 @@\n"
			    " \tint b;\n int c;\n int d;\n+int e;\n```\n");
	assert_int_equal(check(dir, out, sizeof(out)), 0);

	put(dir, "y.c", "int a;\n\tint b;\nint c;\nint d;\nint f;\n");
	assert_int_equal(check(dir, out, sizeof(out)), 1);
}

static void
test_unmarked_c_block_fails_and_sketch_passes(void **state)
{
	const char *dir = *state;
	char out[4096];

	put(dir, "page.md", "Text.\n\n```c\nint x;\n```\n");
	assert_int_equal(check(dir, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "no <!-- file|excerpt|diff|sketch -->"));

	put(dir, "page.md", "<!-- sketch -->\n```c\nint x;\n```\n");
	assert_int_equal(check(dir, out, sizeof(out)), 0);
}

static void
test_links_images_and_anchors_resolve(void **state)
{
	const char *dir = *state;
	char out[4096];

	put(dir, "x.c", code);
	put(dir, "other.md", "# Other\n## Same\n## Same\n<a id=\"here\"></a>\n");
	put(dir, "page.md", "# Page\n[a](x.c) [b](other.md#same-1) "
			    "[c](other.md#here) [d](#page) `[e](nowhere.md)`\n"
			    "[ref]: other.md#other\n");
	assert_int_equal(check(dir, out, sizeof(out)), 0);

	put(dir, "page.md", "[a](gone.c)\n");
	assert_int_equal(check(dir, out, sizeof(out)), 1);
	put(dir, "page.md", "![plot](img/none.png)\n");
	assert_int_equal(check(dir, out, sizeof(out)), 1);
	put(dir, "page.md", "[b](other.md#same-2)\n");
	assert_int_equal(check(dir, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "no such heading or anchor"));
}

/* Check docs/zh-CN/page.md in dir, as a translated page. */
static int
check_zh(const char *dir, char *out, size_t size)
{
	return sh_run(dir,
		      "awk -f \"$IPCLAB_TOP/tools/docs-check.awk\" "
		      "docs/zh-CN/page.md",
		      out, size);
}

static const char sha[] = "0123456789abcdef0123456789abcdef01234567";

static void
test_translated_page_names_its_source(void **state)
{
	const char *dir = *state;
	char out[4096], text[512];

	assert_int_equal(sh_run(dir, "mkdir -p docs/zh-CN", out, sizeof(out)),
			 0);
	put(dir, "docs/en.md", "# English\n");
	put(dir, "README.md", "# Top\n");

	snprintf(text, sizeof(text),
		 "<!-- translated from: docs/en.md at %s -->\n# 中文\n", sha);
	put(dir, "docs/zh-CN/page.md", text);
	assert_int_equal(check_zh(dir, out, sizeof(out)), 0);

	/* two sources */
	snprintf(text, sizeof(text),
		 "<!-- translated from: docs/en.md at %s, README.md at %s -->\n",
		 sha, sha);
	put(dir, "docs/zh-CN/page.md", text);
	assert_int_equal(check_zh(dir, out, sizeof(out)), 0);

	put(dir, "docs/zh-CN/page.md", "<!-- translated from: none -->\n");
	assert_int_equal(check_zh(dir, out, sizeof(out)), 0);

	/* no header at all */
	put(dir, "docs/zh-CN/page.md", "# 中文\n");
	assert_int_equal(check_zh(dir, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "docs/zh-CN/page.md:1: a translated page"));

	/* a short commit */
	put(dir, "docs/zh-CN/page.md",
	    "<!-- translated from: docs/en.md at 0123abc -->\n");
	assert_int_equal(check_zh(dir, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "not SRC at a 40-hex COMMIT"));

	/* a source that is not there */
	snprintf(text, sizeof(text),
		 "<!-- translated from: docs/gone.md at %s -->\n", sha);
	put(dir, "docs/zh-CN/page.md", text);
	assert_int_equal(check_zh(dir, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "docs/gone.md: no such file"));

	/* the same page outside docs/zh-CN needs no header */
	put(dir, "page.md", "# 中文\n");
	assert_int_equal(check(dir, out, sizeof(out)), 0);
}

static void
test_link_to_a_chinese_heading_needs_an_explicit_anchor(void **state)
{
	const char *dir = *state;
	char out[4096];

	put(dir, "page.md", "## 五个要点\n\n[要点](#五个要点)\n");
	assert_int_equal(check(dir, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "a Chinese heading's anchor"));

	put(dir, "page.md",
	    "<a id=\"points\"></a>\n## 五个要点\n\n[要点](#points)\n");
	assert_int_equal(check(dir, out, sizeof(out)), 0);

	/* other letters beyond ASCII are no Chinese: µ stays in both slugs */
	put(dir, "page.md", "## Round trips in µs\n\n[rt](#round-trips-in-µs)\n");
	assert_int_equal(check(dir, out, sizeof(out)), 0);
}

/* A git repository in dir with tools/, README.md, docs/en.md, and
 * docs/zh-CN/page.md translated from docs/en.md at its first commit
 * (a second page too if two): the commands, for sh_run. */
#define GIT "git -c user.name=test -c user.email=test@example.invalid " \
	    "-c commit.gpgsign=false "
#define MAKE_REPO                                                          \
	"mkdir -p tools docs/zh-CN && "                                    \
	"cp \"$IPCLAB_TOP\"/tools/docs-check.sh \"$IPCLAB_TOP\"/tools/docs-check.awk tools/ && " \
	"echo \"# Top\" > README.md && echo \"# English\" > docs/en.md && " \
	"git init -q . && " GIT "add . && " GIT "commit -q -m one && "     \
	"c=$(git rev-parse HEAD) && "                                      \
	"echo \"<!-- translated from: docs/en.md at $c -->\" > docs/zh-CN/page.md && " \
	"echo \"# 英文\" >> docs/zh-CN/page.md && "                        \
	GIT "add . && " GIT "commit -q -m two"

static void
test_docs_check_warns_when_the_english_page_changed(void **state)
{
	const char *dir = *state;
	char out[4096];

	if (sh_run(dir, "command -v git", out, sizeof(out)) != 0)
		skip();
	assert_int_equal(sh_run(dir, MAKE_REPO, out, sizeof(out)), 0);

	/* up to date: no warning */
	assert_int_equal(sh_run(dir, "sh tools/docs-check.sh", out, sizeof(out)),
			 0);
	assert_null(strstr(out, "warning"));
	assert_null(strstr(out, "cannot tell"));

	/* changed, not committed: a warning, and still a pass */
	put(dir, "docs/en.md", "# English\n\nMore.\n");
	assert_int_equal(sh_run(dir, "sh tools/docs-check.sh", out, sizeof(out)),
			 0);
	assert_non_null(strstr(out, "warning: docs/zh-CN/page.md: docs/en.md "
				    "has uncommitted changes since"));

	/* committed */
	assert_int_equal(sh_run(dir, GIT "commit -q -a -m three", out,
				sizeof(out)),
			 0);
	assert_int_equal(sh_run(dir, "sh tools/docs-check.sh", out, sizeof(out)),
			 0);
	assert_non_null(strstr(out, "warning: docs/zh-CN/page.md: docs/en.md "
				    "has changed since"));

	/* another English page changing does not concern it */
	assert_int_equal(sh_run(dir,
				"sed -i \"1s/at [0-9a-f]*/at $(git rev-parse "
				"HEAD)/\" docs/zh-CN/page.md && echo x >> "
				"README.md",
				out, sizeof(out)),
			 0);
	assert_int_equal(sh_run(dir, "sh tools/docs-check.sh", out, sizeof(out)),
			 0);
	assert_null(strstr(out, "warning"));
}

static void
test_docs_check_says_once_when_it_cannot_tell(void **state)
{
	const char *dir = *state;
	char out[4096], *first;

	if (sh_run(dir, "command -v git", out, sizeof(out)) != 0)
		skip();
	assert_int_equal(sh_run(dir, MAKE_REPO, out, sizeof(out)), 0);

	/* two pages at a commit this clone does not have */
	assert_int_equal(
		sh_run(dir,
		       "sed -i \"1s/at [0-9a-f]*/at "
		       "0123456789abcdef0123456789abcdef01234567/\" "
		       "docs/zh-CN/page.md && cp docs/zh-CN/page.md "
		       "docs/zh-CN/two.md",
		       out, sizeof(out)),
		0);
	assert_int_equal(sh_run(dir, "sh tools/docs-check.sh", out, sizeof(out)),
			 0);
	first = strstr(out, "cannot tell");
	assert_non_null(first);
	assert_non_null(strstr(out, "not here (a shallow clone?)"));
	assert_null(strstr(first + 1, "cannot tell"));

	/* no repository at all */
	assert_int_equal(sh_run(dir, "rm -rf .git", out, sizeof(out)), 0);
	assert_int_equal(sh_run(dir, "sh tools/docs-check.sh", out, sizeof(out)),
			 0);
	first = strstr(out, "cannot tell");
	assert_non_null(first);
	assert_non_null(strstr(out, "not a git repository"));
	assert_null(strstr(first + 1, "cannot tell"));
}

/* Find the first excerpt in the docs and, in the file it quotes, the
 * first of its lines that stands there only once (so that no other line
 * can stand in for it); print "FILE LINE-NUMBER BLOCK-LINE-NUMBER". */
static const char pick_awk[] =
	"function trim(s) { sub(/^[ \\t]+/, \"\", s); sub(/[ \\t]+$/, \"\", s);"
	" return s }\n"
	"!f && /^<!-- excerpt: / { f = $3; getline; inb = 1; n = 0; next }\n"
	"inb && /^```/ { inb = 0; nextfile }\n"
	"inb { blk[++n] = trim($0) }\n"
	"END {\n"
	"  while ((getline l < f) > 0) { t = trim(l); cnt[t]++;"
	" if (!(t in at)) at[t] = ++k; else ++k }\n"
	"  for (i = 1; i <= n; i++)\n"
	"    if (cnt[blk[i]] == 1 && length(blk[i]) >= 8 && blk[i] != \"...\") {\n"
	"      print f, at[blk[i]], i; exit }\n"
	"  exit 1 }\n";

/* In a copy of the tree: the docs hold; then one line of code that a
 * chapter quotes changes, and they no longer do. */
static void
test_real_docs_fail_when_quoted_code_changes(void **state)
{
	const char *dir = *state;
	char out[16384], file[256], want[64];
	unsigned long line, bline;

	assert_int_equal(
		sh_run(dir,
		       "cd \"$IPCLAB_TOP\" && tar --exclude=./build --exclude=./.git "
		       "-cf - . | (cd \"$OLDPWD\" && tar -xf -)",
		       out, sizeof(out)),
		0);
	assert_int_equal(sh_run(dir, "sh tools/docs-check.sh", out, sizeof(out)),
			 0);

	put(dir, "pick.awk", pick_awk);
	assert_int_equal(sh_run(dir, "awk -f pick.awk $(ls docs/*.md | sort)",
				out, sizeof(out)),
			 0);
	assert_int_equal(sscanf(out, "%255s %lu %lu", file, &line, &bline), 3);
	print_message("changing %s line %lu (line %lu of the excerpt)\n", file,
		      line, bline);
	snprintf(out, sizeof(out), "sed -i \"%lus|\\$| /* changed */|\" %s",
		 line, file);
	assert_int_equal(sh_run(dir, out, out, sizeof(out)), 0);

	assert_int_equal(sh_run(dir, "sh tools/docs-check.sh", out, sizeof(out)),
			 1);
	snprintf(want, sizeof(want), "excerpt: line %lu of the block", bline);
	if (!strstr(out, want))
		fail_msg("docs-check did not name line %lu: %s", bline, out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_file_marker_holds_the_whole_file,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_excerpt_marker_allows_gaps_and_indent_only, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_diff_marker_holds_the_diff,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_unmarked_c_block_fails_and_sketch_passes, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_links_images_and_anchors_resolve,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_translated_page_names_its_source, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_link_to_a_chinese_heading_needs_an_explicit_anchor,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_docs_check_warns_when_the_english_page_changed,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_docs_check_says_once_when_it_cannot_tell, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_real_docs_fail_when_quoted_code_changes, setup,
			teardown),
	};

	if (access("tools/docs-check.awk", R_OK)) {
		fprintf(stderr, "test_docs: run it from the top of the tree\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
