#!/bin/sh
# format-check.sh - every C file is laid out as .clang-format says.
# Usage: tests/lint/format-check.sh [SRCDIR] [--fix]
#   CLANG_FORMAT (default clang-format-14, else clang-format) is the tool;
#   without it the check cannot run and says so (exit 77, as a skip).
set -u
top=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
fix=${2:-}
cd "$top" || exit 2
cf=${CLANG_FORMAT:-}
if [ -z "$cf" ]; then
	for c in clang-format-14 clang-format; do
		command -v "$c" >/dev/null 2>&1 && { cf=$c; break; }
	done
fi
if [ -z "$cf" ]; then
	echo "format-check: clang-format not installed (bootstrap installs clang-format)"
	exit 77
fi
# Not yet: files that other branches are rewriting now (the TLS dissector the key-log and DTLS work hooks into, the capture
# source); a reformat under them would only make their merges conflict.
# They are reformatted (make format) once those branches are in. The
# benchmark's helpers (tests/bench/) are its owner's to lay out.
later='^(dissect/tls\.c|capture/source\.c|tests/bench/.*)$'
files=$( (git ls-files '*.c' '*.h' 2>/dev/null ||
	find capture dissect rules ui tests -name '*.[ch]' 2>/dev/null) |
	grep -Ev "$later")
if [ "$fix" = "--fix" ]; then
	# shellcheck disable=SC2086
	"$cf" -i $files
	exit 0
fi
bad=0
for f in $files; do
	if ! "$cf" "$f" | cmp -s - "$f"; then
		echo "format-check: $f is not laid out as .clang-format says (make format)"
		bad=1
	fi
done
[ "$bad" = 0 ] && echo "format-check: clean"
exit $bad
