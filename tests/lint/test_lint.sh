#!/bin/sh
# test_lint.sh - the lint finds what it promises to find: each kind of wire
# read outside the cursor in a small tree of its own, and nothing in a
# clean one or on a line that says "lint: ok".
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlsdiag-lint.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
nfail=0
fail() { echo "FAIL: $*"; nfail=$((nfail + 1)); }

mkdir -p "$tmp/capture" "$tmp/dissect"
cp "$top/.clang-format" "$tmp/"
lint() { sh "$top/tests/lint/lint.sh" "$tmp" >"$tmp/out" 2>&1; }

printf 'int ok(void)\n{\n\treturn 0;\n}\n' >"$tmp/dissect/clean.c"
lint || fail "a clean tree is not clean: $(cat "$tmp/out")"

# name CODE: one bad line in dissect/bad.c must be found.
bad() {
	printf 'void f(const unsigned char *p, unsigned char *q, int off)\n{\n\t%s\n}\n' "$2" \
		>"$tmp/dissect/bad.c"
	if lint; then
		fail "$1 not found: $2"
	elif ! grep -q "dissect/bad.c:3:" "$tmp/out"; then
		fail "$1 found, but not named by file and line: $(cat "$tmp/out")"
	fi
}
bad "an offset index" 'q[0] = p[off + 2];'
bad "a byte-order call" 'q[0] = (unsigned char)ntohs(*(const unsigned short *)p);'
bad "a copy from the packet" 'memcpy(q, p, 4);'
bad "pointer arithmetic" 'p += off;'
bad "a pointer offset" 'q[0] = *(p + 4);'

printf 'void f(unsigned char *q, const unsigned char *r)\n{\n\tmemcpy(q, r, 4); /* lint: ok, our copy */\n}\n' \
	>"$tmp/dissect/bad.c"
lint || fail "a line that says lint: ok is still reported: $(cat "$tmp/out")"

# The cursor itself is where indexing belongs.
printf 'int g(const unsigned char *p, int off)\n{\n\treturn p[off + 1];\n}\n' >"$tmp/capture/cursor.c"
lint || fail "capture/cursor.c is reported: $(cat "$tmp/out")"

# The layout: a file .clang-format would lay out otherwise is reported.
if command -v clang-format-14 >/dev/null 2>&1 || command -v clang-format >/dev/null 2>&1; then
	printf 'int  ok(void){return 0;}\n' >"$tmp/dissect/clean.c"
	if lint || ! grep -q "dissect/clean.c is not laid out" "$tmp/out"; then
		fail "a file out of layout is not reported: $(cat "$tmp/out")"
	fi
else
	echo "note: clang-format not installed: the layout check was not tried"
fi

[ "$nfail" -eq 0 ] && echo "PASS: the lint finds every kind of wire read outside the cursor"
exit $((nfail > 0))
