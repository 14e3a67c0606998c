#!/bin/sh
# test_html.sh - `--html FILE` over the sample captures, loaded in headless
# Chromium.
#
#  - the page refers to nothing outside itself: no src=/href= to http(s)
#    or protocol-relative URLs, no external stylesheet, no @import/url();
#  - its tags balance (python's html.parser);
#  - Chromium's DOM holds every session's headline (from --json of the
#    same run), one article per session: failed and at-risk ones open and
#    first, the others collapsed in <details>, in verdict order, each with
#    its handshake ladder (the alert that ended it marked); and the
#    summary's counts; the console shows no error;
#  - names that are HTML (a capture called "<script>...") come out as text:
#    no script element in the DOM, and no raw escape character either;
#  - a screenshot is left as an artifact in the build tree
#    (tests/e2e/html-report.png, with the page as html-report.html).

. "${top_srcdir:-$(dirname "$0")/../..}/tests/e2e/lib.sh"
need_tlsdiag
make_tmp
PY=${PYTHON:-/usr/bin/python3}
need_tool "$PY" python3
[ -n "$CHROMIUM" ] || skip "chromium not available (CHROMIUM is empty)"

# ---- the input: the samples, plus hostile names ---------------------------
IN=$TMP/in
mkdir -p "$IN"
n=0
for f in "$top_srcdir"/samples/*.pcap "$top_srcdir"/samples/*.pcapng \
	"$top_srcdir"/tests/captures/tls/*.pcap; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	cp "$f" "$IN/$(printf '%02d' "$n")-$(basename "$f")"
done
[ "$n" -ge 1 ] || skip "no sample captures"
# A failing capture under a name made of HTML and a terminal escape.
failing=$top_srcdir/tests/captures/tls/alert-before-ccs.pcap # unknown_ca from the client
[ -f "$failing" ] || { fail "$failing missing"; finish; }
esc=$(printf '\033')
cp "$failing" "$IN/zz-<i class=x>bold & \"quoted\" 'x' ${esc}[31mred.pcap"
printf 'garbage' >"$IN/zz-<script>alert(1)<!--.pcap"

HTML=$TMP/report.html
run_tlsdiag "$TMP/json" "$TMP/err" -q --json --html "$HTML" "$IN"
[ "$rc" -le 1 ] || fail "tlsdiag --html: exit status $rc"
[ -s "$HTML" ] || { fail "no HTML written"; finish; }
ls "$TMP"/report.html.tmp* >/dev/null 2>&1 && fail "a temporary file was left beside the report"

# ---- static checks -----------------------------------------------------------
if grep -qiE '(src|href|action|poster|data)[[:space:]]*=[[:space:]]*["'"'"']?[[:space:]]*(https?:|//|ftp:)' "$HTML"; then
	fail "the page refers to a remote resource:"
	grep -oiE '(src|href)[[:space:]]*=[^ >]*' "$HTML" | head -5
fi
grep -qiE '<link[^>]*stylesheet|@import|url\(' "$HTML" && fail "external or url() styles in the page"
grep -qi '<script' "$HTML" && fail "the page has a script element"
grep -q "$esc" "$HTML" && fail "a raw escape character reached the page"

"$PY" - "$HTML" "$TMP/json" >"$TMP/static.out" 2>&1 <<'EOF' || true
import html, html.parser, json, sys
page = open(sys.argv[1], encoding="utf-8").read()
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr", "area", "base", "source"}
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []; self.errors = []
    def handle_starttag(self, tag, attrs):
        if tag not in VOID: self.stack.append(tag)
    def handle_endtag(self, tag):
        if tag in VOID: return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else '-'}>")
        else:
            self.stack.pop()
p = P(); p.feed(page); p.close()
probs = p.errors[:5]
if p.stack: probs.append("unclosed: " + " ".join(p.stack[-5:]))
objs = [json.loads(l) for l in open(sys.argv[2])]
summ = [o for o in objs if o.get("type") == "summary"][0]
nfail = summ["sessions"]["failed"]
got = page.count('<article class="session failed">')
if got != nfail: probs.append(f"{got} failed-session articles, the run has {nfail}")
print("\n".join(probs) if probs else "static ok")
EOF
grep -q '^static ok$' "$TMP/static.out" || { sed 's/^/FAIL: /' "$TMP/static.out"; nfail=$((nfail + 1)); }

# ---- in Chromium ---------------------------------------------------------------
chrome() {
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$(mktemp -d "$TMP/chr.XXXXXX")" \
		--enable-logging=stderr --v=0 "$@"
}
chrome --dump-dom "file://$HTML" >"$TMP/dom.html" 2>"$TMP/chrome.err"
crc=$?
[ "$crc" -eq 0 ] || fail "chromium --dump-dom: exit status $crc"
[ -s "$TMP/dom.html" ] || fail "chromium dumped no DOM"
if grep -E 'Uncaught|ERROR:CONSOLE|Refused to|net::ERR_' "$TMP/chrome.err"; then
	fail "console errors while loading the page"
fi

"$PY" - "$TMP/dom.html" "$TMP/json" >"$TMP/dom.out" 2>&1 <<'EOF' || true
import html, json, sys
dom = open(sys.argv[1], encoding="utf-8", errors="replace").read()
objs = [json.loads(l) for l in open(sys.argv[2])]
summ = [o for o in objs if o.get("type") == "summary"][0]
probs = []
failed = [o for o in objs if o.get("type") == "session" and o.get("verdict") == "failed"]
if not failed: probs.append("test setup: no failed session in the samples")
for s in failed:
    h = s.get("headline") or ""
    if not h: probs.append(f"{s['file']} session {s['session']}: empty headline in JSON")
    elif html.escape(h, quote=False) not in dom:
        probs.append(f"headline not in the DOM: {h[:100]}")
if "<script" in dom.lower(): probs.append("a script element in the DOM")
if "&lt;script&gt;alert(1)&lt;!--.pcap" not in dom:
    probs.append("the hostile file name is not shown as text")
if "&lt;i class=x&gt;bold &amp; \"quoted\" 'x' \\x1b[31mred.pcap" not in dom:
    probs.append("the HTML-named capture is not shown as escaped text")
for label, n in (("TLS sessions", summ["sessions"]["total"]), ("failed", summ["sessions"]["failed"]),
                 ("capture files", summ["files"]["total"])):
    if f"<b>{n}</b><span>{label}</span>" not in dom:
        probs.append(f"summary card '{label}' does not show {n}")
for c in summ.get("expiring", []):
    if c["sha256"] not in dom: probs.append(f"expiring certificate {c['sha256'][:16]} not in the page")
# Every session is on the page (issue 9, item 4): one article each, failing
# ones (failed, at risk) open and first, the others collapsed in a
# <details>, in the order failed, at risk, warning, incomplete, ok; each
# with its handshake ladder, the alert that ended it marked.
sessions = [o for o in objs if o.get("type") == "session"]
arts = dom.count('<article class="session ')
if arts != len(sessions): probs.append(f"{arts} session articles, the run has {len(sessions)} sessions")
rest = [s for s in sessions if s["verdict"] not in ("failed", "at_risk")]
n_det = dom.count('<details class="session">')
if n_det != len(rest): probs.append(f"{n_det} collapsed sessions, expected {len(rest)}")
order = [dom.find(f'<section id="{i}">') for i in ("failed", "at-risk", "warnings", "incomplete", "ok")]
order = [p for p in order if p >= 0]
if order != sorted(order): probs.append("sections not in the order failed, at risk, warning, incomplete, ok")
for s in sessions:
    h = s.get("headline") or ""
    if h and html.escape(h, quote=False) not in dom:
        probs.append(f"{s['verdict']} session's headline not in the DOM: {h[:80]}")
n_lad = dom.count('<table class="ladder">')
if n_lad != len(sessions): probs.append(f"{n_lad} ladders for {len(sessions)} sessions")
ended = sum(1 for s in sessions if any(f["id"] == "fatal_alert" for f in s["findings"]))
n_alert = dom.count('<tr class="alert">')
if n_alert < ended: probs.append(f"{n_alert} alert rows on the ladders, {ended} sessions ended by one")
for b in summ["files"]["failed"]:
    if html.escape(b["path"].replace("\x1b", "\\x1b"), quote=False) not in dom:
        probs.append(f"bad file not listed: {b['path']!r}")
print("\n".join(probs) if probs else "dom ok")
EOF
if grep -q '^dom ok$' "$TMP/dom.out"; then
	echo "ok: the DOM shows every failed session's headline"
else
	sed 's/^/FAIL: /' "$TMP/dom.out"
	nfail=$((nfail + 1))
fi

# ---- screenshot artifact ----------------------------------------------------------
ART=${top_builddir:-$TMP}/tests/e2e
mkdir -p "$ART"
cp "$HTML" "$ART/html-report.html"
rm -f "$ART/html-report.png"
chrome --screenshot="$ART/html-report.png" --window-size=1280,4000 --hide-scrollbars \
	"file://$ART/html-report.html" >/dev/null 2>"$TMP/shot.err"
if [ -s "$ART/html-report.png" ] &&
	[ "$(head -c 8 "$ART/html-report.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then
	echo "ok: screenshot in $ART/html-report.png"
else
	fail "no screenshot was written"
fi

finish
