#!/bin/sh
# lint.sh - what STYLE.md promises and a compiler does not check.
#
#  1. Wire bytes are read only through the cursor (capture/cursor.c): in
#     capture/ and dissect/ no byte-order call (ntohs, be16toh, ...), no
#     indexing of packet memory at an offset (p[off + 2]), no pointer
#     arithmetic on packet bytes (p += k, p + off, buf->p + 4), and no
#     memcpy/memcmp/memmove whose bytes may come from the wire.
#     A line that does one of these on bytes that are not the wire's (our
#     own copy, a text buffer) says so with a comment containing
#     "lint: ok" and the reason.
#  2. The layout is what the committed .clang-format says
#     (format-check.sh; CI installs clang-format through bootstrap).
#
# Usage: tests/lint/lint.sh [SRCDIR]    exit 0 clean, 1 with findings.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=${1:-$(cd "$here/../.." && pwd)}
cd "$top" || exit 2
status=0

# Files outside the rule, and why.
#   capture/cursor.c  the cursor itself: the one place that indexes
#   capture/xalloc.c  the growable buffer's own memory
#   capture/source.c  capture-file headers read by hand (pcap, pcapng);
#                     being reworked for the pcapng Decryption Secrets
#                     Block: moves onto the cursor with that work
exempt='^(capture/cursor\.c|capture/xalloc\.c|capture/source\.c)$'

files=$(ls capture/*.c dissect/*.c dissect/*/*.c 2>/dev/null | grep -Ev "$exempt")

# name the wire pattern, then the extended regex
check() {
	what=$1
	re=$2
	# shellcheck disable=SC2086
	hits=$(grep -nE "$re" $files /dev/null | grep -v 'lint: ok')
	if [ -n "$hits" ]; then
		echo "lint: $what (read packet bytes through capture/cursor.h):"
		echo "$hits" | sed 's/^/  /'
		status=1
	fi
}

check "byte-order call on packet bytes" \
	'\b(ntoh[sl]|hton[sl]|be(16|32|64)toh|le(16|32|64)toh|bswap_(16|32|64))[[:space:]]*\('
check "packet memory indexed at an offset" \
	'(\b|->|\.)(p|data|payload|pkt|raw|wire|bytes|base|buf)[[:space:]]*\[[^]]*[-+][^]]*\]'
check "pointer arithmetic on packet bytes" \
	'(\b|->|\.)(p|data|payload|pkt|raw|wire|base)[[:space:]]*([-+]=|\+\+|--|[-+][[:space:]]*[A-Za-z0-9_(])'
check "copy or compare of bytes that may be the wire's" \
	'\bmem(cpy|move|cmp)[[:space:]]*\('

sh "$here/format-check.sh" "$top"
case $? in
0) ;;
77) echo "lint: the layout was not checked (no clang-format)" ;;
*) status=1 ;;
esac
[ "$status" = 0 ] && echo "lint: clean"
exit $status
