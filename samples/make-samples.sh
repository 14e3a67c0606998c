#!/bin/bash
# make-samples.sh - regenerate the scenario captures in samples/.
#
# The outputs (samples/*.pcap, samples/pki/, samples/trust/) are committed;
# running this again is optional. A full run re-issues every certificate
# (keys are kept unless --new-keys) and re-captures every scenario, with new
# timestamps. The expected findings in samples/expected/ were written by
# hand from DOMAIN.md and stay valid across runs because every date below is
# relative to the run time. samples/README.md quotes frame numbers and
# timestamps of the committed captures: refresh it after a full run.
#
# Usage:  samples/make-samples.sh [--new-keys]       everything
#         samples/make-samples.sh NAME...             only these captures, with
#                                                     the committed PKI/trust
#         KEEP_WORK=1 samples/make-samples.sh ...     keep /tmp/tlsdiag-samples.*
#                                                     (raw captures, s_server and
#                                                     s_client logs)
#         Run as root (it makes a network namespace). Needs openssl, tcpdump,
#         tshark, ip, ss, and /usr/bin/python3 with scapy. Takes ~3 minutes.
#
# What it does, step by step:
#
#  1. PKI (samples/pki/, config samples/pki/openssl.cnf). Every certificate is
#     issued with `openssl ca` so that its dates can be set exactly
#     (-startdate/-enddate, relative to "now" rounded down to the hour: an
#     expired cert, one expiring in 12 days, one valid from 9 days in the
#     future). Keys are kept between runs unless --new-keys (the 8192-bit one
#     takes a minute or two to make). TEST-ONLY: the private keys are public.
#       le-root     CN=learningext-EXTDNS-CA         enterprise root (AD CS style)
#       le-inter    CN=learningext-ISSUING-CA        enterprise issuing CA
#       fab-root    CN=Fabrikam Public Root CA R1     "public" CA, for contrast
#       fab-inter   CN=Fabrikam RSA TLS Issuing CA 2025
#     and the leaves listed in make_pki below. The unusual-subject-OID leaf is
#     DER-edited and re-signed by samples/der_add_subject_oid.py.
#  2. Trust stores (samples/trust/): PEM bundles and a DER PKCS#7 .p7b, as a
#     support engineer would get them from Expressway's trusted CA list or
#     from CUCM.
#  3. Captures: each scenario runs ONE real handshake between `openssl
#     s_server -naccept 1` and `openssl s_client` on 127.0.0.1 inside a
#     private network namespace: its own loopback, with MTU 1500 and no
#     segmentation offload so the certificate flight is cut into 1448-byte
#     TCP segments as on Ethernet, no tail-loss probes (they retransmit FINs
#     for nothing on loopback), and no port clash with anything else running
#     on the machine. Captured there with `tcpdump -i lo -U --immediate-mode`
#     filtered on the scenario's port. Both sides' standard input are FIFOs
#     the script writes to: one short request, one short reply, then the
#     client's EOF makes it send close_notify and close. Neither side loads
#     the system CA store. Where a server or client has -CAfile (to verify
#     the peer), libssl would also build and send a chain from it; those
#     that must send only their leaf get -chainCAfile <their own leaf>, which
#     turns that off.
#  4. Rewrite (samples/rewrite-pcap.py, scapy): 127.0.0.1 becomes the
#     customer's addresses (Expressway-C 10.48.80.47, Expressway-E
#     10.48.36.101, CUCM 10.48.55.10, phones 10.48.60.x, ...), MACs become
#     the capture host's and its gateway's (HSRP) MAC, TTL of routed frames
#     drops by one, IP/TCP checksums are recomputed. Ports and timestamps
#     are kept.
#  5. Check (tshark): each capture must start with a SYN, contain FINs from
#     both sides, have good checksums, keep every timestamp and segment size
#     of the raw capture, stay under 30 KB, and show the alert (code and
#     sender) the scenario is about, or application data both ways when it
#     completes; the script stops if not. samples/describe-pcap.py prints a
#     per-frame summary of each capture (quoted in samples/README.md).
set -euo pipefail
umask 022

HERE=$(cd "$(dirname "$0")" && pwd)
PKI=$HERE/pki
TRUST=$HERE/trust
CNF=$PKI/openssl.cnf
PY=/usr/bin/python3
OPENSSL=${OPENSSL:-openssl}
TSHARK=${TSHARK:-tshark}
NEW_KEYS=0
if [ "${1:-}" = "--new-keys" ]; then NEW_KEYS=1; shift; fi
ONLY=("$@")

W=$(mktemp -d /tmp/tlsdiag-samples.XXXXXX)
NS=tlsdiag-samples-$$
BG_PIDS=()   # tcpdump / s_server / s_client of the capture under way
cleanup() {
	local p
	for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	ip netns del "$NS" 2>/dev/null || true
	[ -n "${KEEP_WORK:-}" ] || rm -rf "$W"
}
trap cleanup EXIT
trap '' PIPE   # writing to a peer that already gave up must not kill us

log() { printf '== %s\n' "$*" >&2; }
die() { printf 'make-samples: %s\n' "$*" >&2; exit 1; }

# "now", rounded down to the hour; d N = that plus N days, in openssl ca format.
NOW=$(( $(date -u +%s) / 3600 * 3600 ))
d() { date -u -d "@$(( NOW + $1 * 86400 ))" +%Y%m%d%H%M%SZ; }

# ------------------------------------------------------------------ PKI

export CADIR SAN AIA CDP
CADIR=$W SAN=DNS:unused.example AIA=caIssuers\;URI:http://unused.example/ CDP=URI:http://unused.example/
LE_AIA="caIssuers;URI:http://pki.learningext.example/CertEnroll/learningext-ISSUING-CA.crt"
LE_CDP="URI:http://pki.learningext.example/CertEnroll/learningext-ISSUING-CA.crl"
FAB_AIA="OCSP;URI:http://ocsp.fabrikam-trust.example,caIssuers;URI:http://crt.fabrikam-trust.example/FabrikamRSATLSIssuingCA2025.crt"
FAB_CDP="URI:http://crl.fabrikam-trust.example/FabrikamRSATLSIssuingCA2025.crl"
ORG="/C=US/ST=North Carolina/L=Raleigh/O=Example Corp/OU=Collaboration"

genkey() { # name spec(rsa:BITS|ec:CURVE)
	local k=$PKI/$1.key
	if [ -s "$k" ] && [ "$NEW_KEYS" = 0 ]; then return; fi
	case $2 in
	rsa:*) log "key $1 (RSA ${2#rsa:})"
		"$OPENSSL" genpkey -quiet -algorithm RSA -pkeyopt "rsa_keygen_bits:${2#rsa:}" -out "$k" ;;
	ec:*) log "key $1 (EC ${2#ec:})"
		"$OPENSSL" genpkey -quiet -algorithm EC -pkeyopt "ec_paramgen_curve:${2#ec:}" \
			-pkeyopt ec_param_enc:named_curve -out "$k" ;;
	esac
}

cadir() { # name: the work directory of CA <name>
	local c=$W/ca-$1
	if [ ! -d "$c" ]; then
		mkdir -p "$c/newcerts"; : >"$c/index.txt"
		# random 16-byte serials, like AD CS / public CAs
		"$OPENSSL" rand -hex 16 | sed 's/^./4/' >"$c/serial"
	fi
	echo "$c"
}

# issue NAME ISSUER|self EXTSECTION KEYSPEC SUBJECT SAN FROM_DAYS TO_DAYS [MD] [AIA CDP]
issue() {
	local name=$1 issuer=$2 ext=$3 spec=$4 subj=$5 san=$6 from=$7 to=$8 md=${9:-sha256}
	genkey "$name" "$spec"
	"$OPENSSL" req -new -config "$CNF" -key "$PKI/$name.key" -subj "$subj" -out "$W/$name.csr"
	local sign=(-cert "$PKI/$issuer.crt" -keyfile "$PKI/$issuer.key")
	if [ "$issuer" = self ]; then sign=(-selfsign -keyfile "$PKI/$name.key"); CADIR=$(cadir "$name")
	else CADIR=$(cadir "$issuer"); fi
	case $issuer in
	le-*) AIA=$LE_AIA CDP=$LE_CDP ;;
	fab-*) AIA=$FAB_AIA CDP=$FAB_CDP ;;
	esac
	[ -n "${10:-}" ] && AIA=${10} && CDP=${11}
	SAN=${san:-DNS:unused.example}
	"$OPENSSL" ca -batch -config "$CNF" -notext -preserveDN -utf8 "${sign[@]}" \
		-in "$W/$name.csr" -subj "$subj" -extensions "$ext" -md "$md" \
		-startdate "$(d "$from")" -enddate "$(d "$to")" -out "$PKI/$name.crt" 2>"$W/ca.err" ||
		{ cat "$W/ca.err" >&2; die "issuing $name failed"; }
	log "cert $name: $("$OPENSSL" x509 -in "$PKI/$name.crt" -noout -subject -enddate | tr '\n' ' ')"
}

make_pki() {
	mkdir -p "$PKI"
	# CAs. Roots and intermediates were made years ago.
	AIA=$LE_AIA CDP=$LE_CDP
	issue le-root self v3_root rsa:2048 "/DC=com/DC=learningext/CN=learningext-EXTDNS-CA" "" -2100 5200
	issue le-inter le-root v3_inter rsa:2048 "/DC=com/DC=learningext/CN=learningext-ISSUING-CA" "" -1500 2150 \
		sha256 "caIssuers;URI:http://pki.learningext.example/CertEnroll/learningext-EXTDNS-CA.crt" \
		"URI:http://pki.learningext.example/CertEnroll/learningext-EXTDNS-CA.crl"
	issue fab-root self v3_root rsa:2048 "/C=US/O=Fabrikam Trust Services LLC/CN=Fabrikam Public Root CA R1" "" -3000 6000
	issue fab-inter fab-root v3_inter rsa:2048 "/C=US/O=Fabrikam Trust Services LLC/CN=Fabrikam RSA TLS Issuing CA 2025" "" -700 1100 \
		sha256 "caIssuers;URI:http://crt.fabrikam-trust.example/FabrikamPublicRootCAR1.crt" \
		"URI:http://crl.fabrikam-trust.example/FabrikamPublicRootCAR1.crl"

	# Expressway-E (cluster: expe1, expe2) and Expressway-C (expc1, expc2).
	local E_SAN="DNS:expe.example.com,DNS:expe1.example.com,DNS:expe2.example.com"
	local C_SAN="DNS:expc.example.com,DNS:expc1.example.com,DNS:expc2.example.com"
	issue expe le-inter v3_leaf_both rsa:2048 "$ORG/CN=expe.example.com" "$E_SAN" -100 630
	issue expc le-inter v3_leaf_both rsa:2048 "$ORG/CN=expc.example.com" "$C_SAN" -100 630
	# Public CA certificates: no OU (CA/B forum), 397 days (issued before
	# the March 2026 limit); the E's still has clientAuth (issued before the
	# clientAuth sunset), the C's renewal has serverAuth only.
	issue expe-public fab-inter v3_leaf_both rsa:2048 \
		"/C=US/ST=North Carolina/L=Raleigh/O=Example Corp/CN=expe.example.com" "$E_SAN" -260 137
	issue expc-public-serveronly fab-inter v3_leaf_server_only rsa:2048 \
		"/C=US/ST=North Carolina/L=Raleigh/O=Example Corp/CN=expc.example.com" "$C_SAN" -20 180
	# Expressway-E renewed cert installed before its start date.
	issue expe-notyetvalid le-inter v3_leaf_both rsa:2048 "$ORG/CN=expe.example.com" "$E_SAN" 9 739
	# Expressway-E cert whose subject carries the unusual OID (DER-edited below).
	issue expe-oid le-inter v3_leaf_both rsa:2048 "$ORG/CN=expe.example.com" "$E_SAN" -100 630
	"$PY" "$HERE/der_add_subject_oid.py" "$PKI/expe-oid.crt" "$PKI/le-inter.key" "$W/expe-oid.crt"
	mv "$W/expe-oid.crt" "$PKI/expe-oid.crt"
	"$OPENSSL" verify -no-CApath -no-CAstore -CAfile "$PKI/le-root.crt" -untrusted "$PKI/le-inter.crt" \
		"$PKI/expe-oid.crt" >/dev/null || die "expe-oid re-signing broke the signature"
	# Expressway-C variants.
	issue expc-wildcard le-inter v3_leaf_both rsa:2048 "$ORG/CN=*.example.com" "DNS:*.example.com" -100 630
	issue expc-rsa8192 le-inter v3_leaf_both rsa:8192 "$ORG/CN=expc.example.com" "$C_SAN" -100 630
	# Secure phone profile names in FQDN form, as Expressway-C needs in its
	# SAN for secure registration: 1,000+ characters of SAN.
	local long=$C_SAN p
	for p in 7811 7821 7841 7861 8811 8832 8841 8845 8851 8861 8865 9841 9851 9861 9871 \
		7832 8851NR 8865NR DX80 Webex-Desk-Pro Webex-Room-Kit Dual-Mode-iPhone Dual-Mode-Android \
		Jabber-CSF Webex-App-Windows; do
		long+=",DNS:cisco-$(echo "$p" | tr 'A-Z' 'a-z')-secure-sip-profile.example.com"
	done
	issue expc-longsan le-inter v3_leaf_both rsa:2048 "$ORG/CN=expc.example.com" "$long" -100 630

	# CUCM publisher cucm-pub.example.com: tomcat, CallManager, TVS.
	local U_SAN="DNS:cucm-pub.example.com"
	issue cucm-tomcat le-inter v3_leaf_tomcat rsa:2048 "$ORG/CN=cucm-pub.example.com" "$U_SAN" -100 630
	issue cucm-callmanager le-inter v3_leaf_both rsa:2048 "$ORG/CN=cucm-pub.example.com" "$U_SAN" -100 630
	issue cucm-tvs le-inter v3_leaf_both rsa:2048 "$ORG/CN=cucm-pub.example.com" "$U_SAN" -100 630
	issue cucm-callmanager-expired le-inter v3_leaf_both rsa:2048 "$ORG/CN=cucm-pub.example.com" "$U_SAN" -783 -53
	issue cucm-tomcat-sha1 le-inter v3_leaf_tomcat rsa:2048 "$ORG/CN=cucm-pub.example.com" "$U_SAN" -100 630 sha1
	issue cucm-tvs-1024 le-inter v3_leaf_both rsa:1024 "$ORG/CN=cucm-pub.example.com" "$U_SAN" -100 630
	issue cucm-tomcat-catemplate le-inter v3_leaf_ca_template rsa:2048 "$ORG/CN=cucm-pub.example.com" "$U_SAN" -30 700
	# tomcat-ECDSA (CUCM names it <host>-EC), expiring 12 days after capture.
	issue cucm-tomcat-ecdsa-expiring le-inter v3_leaf_ecdsa ec:P-256 "$ORG/CN=cucm-pub-EC.example.com" \
		"DNS:cucm-pub-EC.example.com,DNS:cucm-pub.example.com" -353 12
	# CUCM's default self-signed certificates (5 years, same subject for both
	# services: the trust-list shadowing case).
	issue cucm-tomcat-selfsigned self v3_selfsigned_cucm rsa:2048 "$ORG/CN=cucm-pub.example.com" "$U_SAN" -400 1426
	issue cucm-callmanager-selfsigned self v3_selfsigned_cucm rsa:2048 "$ORG/CN=cucm-pub.example.com" "$U_SAN" -400 1426

	# A domain controller for LDAPS issued from the wrong template (clientAuth only).
	issue dc01-clientonly le-inter v3_leaf_client_only rsa:2048 \
		"/C=US/ST=North Carolina/L=Raleigh/O=Example Corp/OU=Domain Controllers/CN=dc01.example.com" \
		"DNS:dc01.example.com,DNS:example.com" -60 305

	# Chain files the servers send after their leaf.
	cat "$PKI/le-root.crt" "$PKI/le-inter.crt" >"$PKI/chain-wrong-order-root-then-inter.pem"
}

make_trust() {
	mkdir -p "$TRUST"
	# The enterprise chain, as PEM and as a CUCM/AD CS style DER PKCS#7.
	cat "$PKI/le-root.crt" "$PKI/le-inter.crt" >"$TRUST/learningext-ca-chain.pem"
	"$OPENSSL" crl2pkcs7 -nocrl -certfile "$PKI/le-root.crt" -certfile "$PKI/le-inter.crt" \
		-outform DER -out "$TRUST/learningext-ca-chain.p7b"
	# Expressway-C's trusted CA list in scenario 1: only the public CA.
	cat "$PKI/fab-root.crt" "$PKI/fab-inter.crt" >"$TRUST/expc-trusted-ca.pem"
	# Expressway-E's full list: enterprise and public CA.
	cat "$PKI/le-root.crt" "$PKI/le-inter.crt" "$PKI/fab-root.crt" "$PKI/fab-inter.crt" \
		>"$TRUST/expe-trusted-ca.pem"
	# Expressway-E's list when the enterprise CA was never uploaded.
	cat "$PKI/fab-root.crt" "$PKI/fab-inter.crt" >"$TRUST/expe-trusted-ca-public-only.pem"
	# A 7800/8800 phone's fixed public CA list: roots only.
	cat "$PKI/fab-root.crt" >"$TRUST/phone-public-ca-list.pem"
	# Expressway-C's list holding CUCM's self-signed tomcat cert (uploaded by hand).
	cat "$PKI/le-root.crt" "$PKI/le-inter.crt" "$PKI/cucm-tomcat-selfsigned.crt" \
		>"$TRUST/expc-trusted-ca-cucm-selfsigned.pem"
	# Expressway-C's list holding BOTH self-signed certs of cucm-pub (same
	# subject): tomcat first, so it shadows CallManager.
	cat "$PKI/le-root.crt" "$PKI/le-inter.crt" "$PKI/cucm-tomcat-selfsigned.crt" \
		"$PKI/cucm-callmanager-selfsigned.crt" >"$TRUST/expc-trusted-ca-shadowed.pem"
}

# ------------------------------------------------------------------ capture

# Hosts: IP,MAC. Captures are taken on one of the two hosts; the other side
# is seen behind the site's default gateway (HSRP virtual MAC).
declare -A H=(
	[expc]=10.48.80.47,00:50:56:9a:3c:17      # Expressway-C (VMware)
	[expe]=10.48.36.101,00:50:56:9a:71:e2     # Expressway-E (VMware, DMZ)
	[cucm]=10.48.55.10,00:50:56:9a:05:4b      # CUCM publisher cucm-pub
	[phone]=10.48.60.21,00:26:0b:5e:21:a4     # Cisco 8865 (SEP00260B5E21A4)
	[phone2]=10.48.60.37,00:26:0b:71:9c:02    # Cisco 8845
	[jabber]=10.48.62.35,3c:52:82:6b:1f:d0    # Jabber on a laptop
	[dc01]=10.48.20.5,00:50:56:9a:14:05       # AD domain controller
	[mra]=203.0.113.45,00:26:0b:0e:77:31      # phone over MRA, on the Internet
)
GW_MAC=00:00:0c:07:ac:30

ns_setup() {
	ip netns add "$NS"
	# An Ethernet-sized loopback: MTU 1500 and no segmentation offload
	# (lo does TSO/GSO, which would put a 4 KB flight in one "frame").
	ip -n "$NS" link set lo mtu 1500 gso_max_segs 1 gso_max_size 1500
	ip -n "$NS" link set lo up
	# No tail-loss probes: on a fast loopback they retransmit FINs for nothing.
	ip netns exec "$NS" sysctl -qw net.ipv4.tcp_early_retrans=0
}

nsx() { ip netns exec "$NS" "$@"; }

wait_for() { # tries command...
	local n=$1; shift
	while ! "$@" >/dev/null 2>&1; do
		n=$((n - 1)); [ "$n" -gt 0 ] || return 1
		sleep 0.1
	done
}

# capture NAME PORT CLIENT SERVER AT  (uses arrays SRV, CLI and strings REQ, REPLY)
capture() {
	local name=$1 port=$2 client=$3 server=$4 at=$5
	local raw=$W/$name.raw.pcap out=$HERE/$name.pcap
	log "capture $name (port $port, ${client} -> ${server})"
	ip netns exec "$NS" tcpdump -i lo -U --immediate-mode -n -s 0 -w "$raw" "tcp port $port" 2>"$W/tcpdump.err" &
	local tpid=$!
	BG_PIDS=("$tpid")
	wait_for 50 grep -q "listening on" "$W/tcpdump.err" || die "tcpdump did not start"

	rm -f "$W/srv.in" "$W/cli.in"; mkfifo "$W/srv.in" "$W/cli.in"
	# No system CA store on either side: only the files each scenario names.
	local nosys=(-no-CApath -no-CAstore)
	printf '%s\n' "${SRV[@]}" | grep -qx -- -CAfile || SRV+=(-no-CAfile)
	printf '%s\n' "${CLI[@]}" | grep -qx -- -CAfile || CLI+=(-no-CAfile)
	ip netns exec "$NS" "$OPENSSL" s_server -accept "127.0.0.1:$port" -naccept 1 "${nosys[@]}" \
		"${SRV[@]}" <"$W/srv.in" >"$W/$name.server.log" 2>&1 &
	local spid=$!
	BG_PIDS+=("$spid")
	exec 7>"$W/srv.in"
	wait_for 100 sh -c "ip netns exec $NS ss -Hltn 'sport = :$port' | grep -q LISTEN" ||
		die "s_server did not listen"

	ip netns exec "$NS" "$OPENSSL" s_client -connect "127.0.0.1:$port" "${nosys[@]}" \
		"${CLI[@]}" <"$W/cli.in" >"$W/$name.client.log" 2>&1 &
	local cpid=$!
	BG_PIDS+=("$cpid")
	exec 8>"$W/cli.in"
	sleep 0.5
	printf '%s' "$REQ" >&8 2>/dev/null || true    # client's request
	sleep 0.3
	printf '%s' "$REPLY" >&7 2>/dev/null || true  # server's answer
	sleep 0.3
	exec 8>&-                                     # client: EOF -> close_notify, FIN
	local i
	for i in $(seq 50); do kill -0 "$cpid" 2>/dev/null || break; sleep 0.1; done
	kill "$cpid" 2>/dev/null || true; wait "$cpid" || true
	for i in $(seq 30); do kill -0 "$spid" 2>/dev/null || break; sleep 0.1; done
	exec 7>&-
	kill "$spid" 2>/dev/null || true; wait "$spid" || true
	sleep 1.2   # let tcpdump read and write the last frames before it stops
	kill -INT "$tpid"; wait "$tpid" || true
	BG_PIDS=()

	"$PY" "$HERE/rewrite-pcap.py" "$raw" "$out" --port "$port" \
		--client "${H[$client]}" --server "${H[$server]}" --gw-mac "$GW_MAC" --at "$at" >/dev/null
	check "$name" "$port"
}

# check NAME PORT: the capture holds one whole TCP connection; print a
# summary; compare the alert with EXPECT_ALERT ("48 client", "none").
check() {
	local f=$HERE/$1.pcap port=$2
	local fields=(-T fields -E separator=/t -e frame.number -e ip.src -e tcp.srcport -e tcp.flags.str
		-e tls.record.content_type -e tls.handshake.type -e tls.alert_message.desc -e tcp.len -e tls.record.opaque_type)
	"$TSHARK" -r "$f" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -d "tcp.port==$port,tls" \
		"${fields[@]}" >"$W/$1.fields" 2>/dev/null
	# Same frames at the same microsecond as captured.
	cmp -s <("$TSHARK" -r "$W/$1.raw.pcap" -T fields -e frame.time_epoch -e tcp.len 2>/dev/null) \
		<("$TSHARK" -r "$f" -T fields -e frame.time_epoch -e tcp.len 2>/dev/null) ||
		die "$1: timestamps or segments changed by the rewrite"
	local size; size=$(stat -c %s "$f")
	[ "$size" -lt 30000 ] || die "$1: capture too big ($size bytes)"
	head -1 "$W/$1.fields" | cut -f4 | grep -q 'S' || die "$1: does not start with SYN"
	local fins; fins=$(awk -F'\t' '$4 ~ /F/ {print $2}' "$W/$1.fields" | sort -u | wc -l)
	[ "$fins" = 2 ] || [ "${ALLOW_RST:-0}" = 1 ] || die "$1: no FIN from both sides"
	"$TSHARK" -r "$f" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -Y 'tcp.checksum.status==0 || ip.checksum.status==0' 2>/dev/null |
		grep -q . && die "$1: bad checksums after rewrite"
	local alert; alert=$(awk -F'\t' '$7 != "" {print $7, $2}' "$W/$1.fields" | head -1)
	local cip=${H[$CLIENT]%%,*}
	alert=${alert/ $cip/ client}; alert=${alert/ ${H[$SERVER]%%,*}/ server}
	[ -n "$alert" ] || alert=none
	{
		echo "---- $1.pcap ($size bytes): alert on the wire: $alert (expected ${EXPECT_ALERT})"
		echo "frame	src	sport	flags	rec_type	hs_type	alert	tcp.len	tls13_opaque_type"
		cat "$W/$1.fields"
		"$PY" "$HERE/describe-pcap.py" "$f" "$port"
	} | tee -a "$W/summary.txt" >&2
	[ "$alert" = "$EXPECT_ALERT" ] || die "$1: alert $alert, expected $EXPECT_ALERT"
	if [ "$alert" = none ]; then # a completed handshake: data both ways
		local n; n=$(awk -F'\t' '$5 ~ /23/ || $9 ~ /23/ {print $2}' "$W/$1.fields" | sort -u | wc -l)
		[ "$n" = 2 ] || die "$1: no application data both ways"
	fi
}

# ------------------------------------------------------------------ scenarios

CRLF=$'\r\n'
sip_options() { # from to port
	REQ="OPTIONS sip:$2:$3;transport=tls SIP/2.0${CRLF}Via: SIP/2.0/TLS $1:$3;branch=z9hG4bK7f3a${CRLF}Max-Forwards: 70${CRLF}From: <sip:$1>;tag=9d1c${CRLF}To: <sip:$2>${CRLF}Call-ID: 5e0b8e2a@$1${CRLF}CSeq: 1 OPTIONS${CRLF}Content-Length: 0${CRLF}${CRLF}"
	REPLY="SIP/2.0 200 OK${CRLF}Via: SIP/2.0/TLS $1:$3;branch=z9hG4bK7f3a${CRLF}From: <sip:$1>;tag=9d1c${CRLF}To: <sip:$2>;tag=41aa${CRLF}Call-ID: 5e0b8e2a@$1${CRLF}CSeq: 1 OPTIONS${CRLF}Content-Length: 0${CRLF}${CRLF}"
}
http_get() { # host:port path
	REQ="GET $2 HTTP/1.1${CRLF}Host: $1${CRLF}User-Agent: Cisco-Expressway${CRLF}Accept: */*${CRLF}${CRLF}"
	REPLY="HTTP/1.1 200 OK${CRLF}Content-Type: text/xml${CRLF}Content-Length: 44${CRLF}${CRLF}<versionInformation version=\"15.0.1\"/>${CRLF}${CRLF}"
}
binary_req() { # a short binary request/response (no NUL: shell strings)
	REQ=$'\x01\x02\x18\x7fTVS-GetCertificate\x01\x02'
	REPLY=$'\x01\x02\x10\x7fTVS-Response\x03\x01'
}

LE=$TRUST/learningext-ca-chain.pem
P=$PKI

# run NAME PORT CLIENT SERVER AT EXPECT_ALERT: wraps capture with globals.
run() {
	local want=("${ONLY[@]}")
	if [ ${#want[@]} -gt 0 ] && ! printf '%s\n' "${want[@]}" | grep -qx "$1"; then return; fi
	CLIENT=$3 SERVER=$4 EXPECT_ALERT=$6
	capture "$1" "$2" "$3" "$4" "$5"
}

scenarios() {
	# Each block: what the server and the client run, then
	#   run NAME PORT CLIENT_HOST SERVER_HOST CAPTURED_AT "ALERT_CODE SENDER"|none

	# 1. Traversal zone: the E asks for a client cert and sends only its
	#    leaf; the C trusts only the public CA -> C sends unknown_ca.
	sip_options expc.example.com expe.example.com 7001
	SRV=(-cert $P/expe.crt -key $P/expe.key -chainCAfile $P/expe.crt -Verify 1 -CAfile $LE -verify_return_error)
	CLI=(-tls1_2 -servername expe.example.com -cert $P/expc.crt -key $P/expc.key -chainCAfile $P/expc.crt
		-CAfile $TRUST/expc-trusted-ca.pem -verify_return_error)
	run expressway-7001-unknown-ca 7001 expc expe client "48 client"

	# 2. Traversal zone: the C's renewed public cert has serverAuth only;
	#    the E (s_server checks purpose sslclient) rejects it.
	SRV=(-cert $P/expe.crt -key $P/expe.key -chainCAfile $P/expe.crt -Verify 1 -CAfile $TRUST/expe-trusted-ca.pem -verify_return_error)
	CLI=(-tls1_2 -servername expe.example.com -cert $P/expc-public-serveronly.crt
		-key $P/expc-public-serveronly.key -cert_chain $P/fab-inter.crt -CAfile $LE -verify_return_error)
	run expressway-7001-no-clientauth 7001 expc expe client "43 server"

	# 3. Tomcat: the C dials cucm.example.com, the SAN has only
	#    cucm-pub.example.com; a) the client checks the name and aborts,
	#    b) it does not check (the mismatch is only predicted).
	http_get cucm.example.com:8443 /cucm-uds/version
	SRV=(-cert $P/cucm-tomcat.crt -key $P/cucm-tomcat.key)
	CLI=(-tls1_2 -servername cucm.example.com -verify_hostname cucm.example.com -CAfile $LE -verify_return_error)
	run cucm-tomcat-8443-san-mismatch 8443 expc cucm client "42 client"
	CLI=(-tls1_2 -servername cucm.example.com -CAfile $LE)
	run cucm-tomcat-8443-san-mismatch-predicted 8443 expc cucm client none

	# 4. SIP TLS: CUCM's CallManager cert expired 53 days before the
	#    capture; CUCM asks for a client cert, the C rejects CUCM's chain.
	sip_options expc.example.com cucm-pub.example.com 5061
	SRV=(-cert $P/cucm-callmanager-expired.crt -key $P/cucm-callmanager-expired.key -chainCAfile $P/cucm-callmanager-expired.crt -verify 1 -CAfile $LE)
	CLI=(-tls1_2 -noservername -cert $P/expc.crt -key $P/expc.key -chainCAfile $P/expc.crt -CAfile $LE -verify_return_error)
	run cucm-5061-expired 5061 expc cucm client "45 client"

	# 5. TVS: a phone, a valid CA-signed TVS cert (leaf only), all good.
	binary_req
	SRV=(-cert $P/cucm-tvs.crt -key $P/cucm-tvs.key)
	CLI=(-tls1_2 -noservername -CAfile $LE -verify_return_error)
	run tvs-2445-healthy 2445 phone cucm server none

	# 6. SIP TLS: CUCM requires a client cert, the C has none configured.
	sip_options expc.example.com cucm-pub.example.com 5061
	SRV=(-cert $P/cucm-callmanager.crt -key $P/cucm-callmanager.key -chainCAfile $P/cucm-callmanager.crt -Verify 1 -CAfile $LE -verify_return_error)
	CLI=(-tls1_2 -noservername -CAfile $LE -verify_return_error)
	run sip-5061-mtls-no-client-cert 5061 expc cucm server "40 server"

	# 7. Tomcat sends leaf, ROOT, intermediate; Jabber accepts anyway.
	http_get cucm-pub.example.com:8443 /cucm-uds/version
	SRV=(-cert $P/cucm-tomcat.crt -key $P/cucm-tomcat.key -cert_chain $P/chain-wrong-order-root-then-inter.pem)
	CLI=(-tls1_2 -servername cucm-pub.example.com -verify_hostname cucm-pub.example.com -CAfile $LE -verify_return_error)
	run chain-out-of-order 8443 jabber cucm server none

	# 8. SIP TLS: CUCM connects to an Expressway-C presenting *.example.com.
	sip_options cucm-pub.example.com expc.example.com 5061
	SRV=(-cert $P/expc-wildcard.crt -key $P/expc-wildcard.key)
	CLI=(-tls1_2 -noservername -CAfile $LE -verify_return_error)
	run wildcard-5061 5061 cucm expc server none

	# 9. SIP TLS: an 8192-bit RSA Expressway-C cert (openssl accepts it,
	#    Expressway's SIP TLS zones do not).
	SRV=(-cert $P/expc-rsa8192.crt -key $P/expc-rsa8192.key)
	run rsa-8192-5061 5061 cucm expc server none

	# 10. Tomcat with a SHA-1 signed cert (accepted: security level 0).
	http_get cucm-pub.example.com:8443 /cucm-uds/version
	SRV=(-cert $P/cucm-tomcat-sha1.crt -key $P/cucm-tomcat-sha1.key -cipher DEFAULT:@SECLEVEL=0)
	CLI=(-tls1_2 -servername cucm-pub.example.com -CAfile $LE -verify_return_error -cipher DEFAULT:@SECLEVEL=0)
	run sha1-signed-leaf-8443 8443 expc cucm client none

	# 11. Traversal zone, E's cert has the unusual subject attribute; works.
	sip_options expc.example.com expe.example.com 7001
	SRV=(-cert $P/expe-oid.crt -key $P/expe-oid.key -chainCAfile $P/expe-oid.crt -Verify 1 -CAfile $LE -verify_return_error)
	CLI=(-tls1_2 -servername expe.example.com -cert $P/expc.crt -key $P/expc.key -chainCAfile $P/expc.crt -CAfile $LE -verify_return_error)
	run unusual-subject-oid-7001 7001 expc expe client none

	# 12. SIP TLS: Expressway-C cert with a SAN list over 999 characters.
	sip_options cucm-pub.example.com expc.example.com 5061
	SRV=(-cert $P/expc-longsan.crt -key $P/expc-longsan.key)
	CLI=(-tls1_2 -noservername -CAfile $LE -verify_return_error)
	run san-too-long-5061 5061 cucm expc server none

	# 13. Tomcat's default self-signed cert, uploaded to the C's trust list.
	http_get cucm-pub.example.com:8443 /cucm-uds/version
	SRV=(-cert $P/cucm-tomcat-selfsigned.crt -key $P/cucm-tomcat-selfsigned.key)
	CLI=(-tls1_2 -servername cucm-pub.example.com -CAfile $TRUST/expc-trusted-ca-cucm-selfsigned.pem -verify_return_error)
	run self-signed-tomcat-8443 8443 expc cucm client none

	# 14. TVS with a 1024-bit key (accepted at security level 0).
	binary_req
	SRV=(-cert $P/cucm-tvs-1024.crt -key $P/cucm-tvs-1024.key -cipher DEFAULT:@SECLEVEL=0)
	CLI=(-tls1_2 -noservername -CAfile $LE -verify_return_error -cipher DEFAULT:@SECLEVEL=0)
	run weak-key-1024-2445 2445 phone2 cucm server none

	# 15. Tomcat-ECDSA cert expiring 12 days after the capture (ECDHE-ECDSA).
	http_get cucm-pub.example.com:8443 /cucm-uds/version
	SRV=(-cert $P/cucm-tomcat-ecdsa-expiring.crt -key $P/cucm-tomcat-ecdsa-expiring.key)
	CLI=(-tls1_2 -servername cucm-pub.example.com -verify_hostname cucm-pub.example.com -CAfile $LE -verify_return_error)
	run expiring-soon-ecdsa-8443 8443 jabber cucm server none

	# 16. Traversal zone: E (public CA cert) lists only the public CA in its
	#     CertificateRequest and trusts only it; the C sends its enterprise
	#     cert anyway; the E rejects it.
	sip_options expc.example.com expe.example.com 7001
	SRV=(-cert $P/expe-public.crt -key $P/expe-public.key -cert_chain $P/fab-inter.crt -Verify 1
		-CAfile $TRUST/expe-trusted-ca-public-only.pem -verify_return_error)
	CLI=(-tls1_2 -servername expe.example.com -cert $P/expc.crt -key $P/expc.key -chainCAfile $P/expc.crt
		-CAfile $TRUST/expe-trusted-ca.pem -verify_return_error)
	run ca-not-acceptable-7001 7001 expc expe client "48 server"

	# 17. MRA web on 443 in TLS 1.3: certificates are encrypted.
	http_get expe.example.com /Cisco/Jabber/version
	SRV=(-cert $P/expe-public.crt -key $P/expe-public.key -cert_chain $P/fab-inter.crt)
	#     The client writes its key log (samples/tls13-443.keys), so the
	#     same capture can also be read decrypted (--keylog).
	CLI=(-tls1_3 -servername expe.example.com -CAfile $TRUST/phone-public-ca-list.pem -verify_return_error
		-keylogfile $HERE/tls13-443.keys)
	run tls13-443 443 jabber expe server none

	# 18. SIP trunk configured by IP: CUCM dials 10.48.80.47, the C's SAN
	#     has names only.
	sip_options cucm-pub.example.com 10.48.80.47 5061
	SRV=(-cert $P/expc.crt -key $P/expc.key)
	CLI=(-tls1_2 -noservername -verify_ip 10.48.80.47 -CAfile $LE -verify_return_error)
	run ip-address-peer-5061 5061 cucm expc client "42 client"
	# 18b. The same trunk configured by FQDN: a DNS answer in the capture
	#      tells which name CUCM dialled (no SNI, no --name needed).
	"$HERE"/add-dns-answer.py "$HERE"/ip-address-peer-5061.pcap "$HERE"/dns-name-mismatch-5061.pcap \
		10.48.55.10 10.48.1.53 sip-trunk.example.com 10.48.80.47

	# 19. MRA phone on 443: the E sends only its public-CA leaf (AIA
	#     caIssuers set), the phone has only the public root.
	http_get expe.example.com:443 /dWNtLXB1Yi5leGFtcGxlLmNvbQ/get_edge_config
	SRV=(-cert $P/expe-public.crt -key $P/expe-public.key)
	CLI=(-tls1_2 -servername expe.example.com -CAfile $TRUST/phone-public-ca-list.pem -verify_return_error)
	run incomplete-chain-aia-443 443 mra expe server "48 client"

	# 20. LDAPS: the domain controller's cert has clientAuth only.
	binary_req
	SRV=(-cert $P/dc01-clientonly.crt -key $P/dc01-clientonly.key)
	CLI=(-tls1_2 -servername dc01.example.com -CAfile $LE -verify_return_error)
	run missing-server-auth-eku-636 636 cucm dc01 client "43 client"

	# 21. Tomcat cert issued from a CA template: CA:TRUE, keyCertSign+cRLSign only.
	http_get cucm-pub.example.com:8443 /cucm-uds/version
	SRV=(-cert $P/cucm-tomcat-catemplate.crt -key $P/cucm-tomcat-catemplate.key)
	CLI=(-tls1_2 -servername cucm-pub.example.com -CAfile $LE -verify_return_error)
	run key-usage-ca-template-8443 8443 expc cucm client "43 client"

	# 22. Traversal zone: the E's renewed cert is valid only from 9 days later.
	sip_options expc.example.com expe.example.com 7001
	SRV=(-cert $P/expe-notyetvalid.crt -key $P/expe-notyetvalid.key -chainCAfile $P/expe-notyetvalid.crt -Verify 1 -CAfile $LE -verify_return_error)
	CLI=(-tls1_2 -servername expe.example.com -cert $P/expc.crt -key $P/expc.key -chainCAfile $P/expc.crt -CAfile $LE -verify_return_error)
	run not-yet-valid-7001 7001 expc expe client "42 client"

	# 23. SIP TLS: CUCM presents its self-signed CallManager cert; the C's
	#     trust list holds the self-signed tomcat cert (same subject) first,
	#     so the Expressway finds tomcat and fails. The client here trusts
	#     only what Expressway's first-match lookup finds: the tomcat cert.
	sip_options expc.example.com cucm-pub.example.com 5061
	SRV=(-cert $P/cucm-callmanager-selfsigned.crt -key $P/cucm-callmanager-selfsigned.key)
	CLI=(-tls1_2 -noservername -CAfile $P/cucm-tomcat-selfsigned.crt -verify_return_error)
	run trust-store-shadowing-5061 5061 expc cucm client "48 client"
}

# ------------------------------------------------------------------ main

for t in "$OPENSSL" tcpdump "$TSHARK" ip ss; do command -v "$t" >/dev/null || die "needs $t"; done
"$PY" -c 'import scapy' || die "needs $PY with scapy"
if [ ${#ONLY[@]} -eq 0 ]; then
	make_pki
	make_trust
else
	# Re-running some scenarios only: keep the committed PKI and trust
	# stores, or the other captures would no longer match them. (The
	# relative dates were relative to the last full run.)
	log "keeping samples/pki and samples/trust as they are"
fi
ns_setup
scenarios
log "summary in $W/summary.txt (copied to stdout)"
cat "$W/summary.txt"
