#!/usr/bin/python3
"""live-soak.py - open and close N TLS connections to a local server while
tlsdiag captures them (run by test_live_soak.sh inside a private network
namespace), and measure tlsdiag's memory as it goes.

    live-soak.py PORT N TLSDIAG_PID OUT_JSON [SECONDS]

Each connection: TCP connect, a TLS 1.2 handshake (resuming the first
session, so that the client side costs little), one request and one
answer, close. After 1,000 and after N connections it waits until
tlsdiag has written as many sessions (at most 10 s), then reads its
VmRSS. SECONDS > 0: go on for that long instead of N connections (the
long run by hand), printing RSS every 10,000 connections.

Prints "rss1k KB", "rssN KB", "connections N" and "elapsed S", and
"lag: ..." when tlsdiag had not written every session 10 s later (the
kernel dropped packets, or it missed them: the test tells which).
"""
import os
import socket
import ssl
import sys
import time


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def sessions_written(path):
    n = 0
    try:
        with open(path, "rb") as f:
            for line in f:
                if line.startswith(b'{"type":"session"'):
                    n += 1
    except OSError:
        pass
    return n


def wait_sessions(path, n, limit=10.0):
    end = time.time() + limit
    while time.time() < end:
        if sessions_written(path) >= n:
            return True
        time.sleep(0.05)
    return False


def main():
    port, n, pid, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    seconds = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    session = None
    start = time.time()
    done = 0
    while True:
        if seconds > 0:
            if time.time() - start >= seconds:
                break
        elif done >= n:
            break
        raw = socket.create_connection(("127.0.0.1", port))
        # Without it, Nagle and delayed ACKs cost 40 ms a connection.
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s = ctx.wrap_socket(raw, server_hostname="soak.example", session=session)
        if session is None:
            session = s.session
        s.sendall(b"ping\n")
        s.recv(64)
        s.close()
        done += 1
        if done == 1000:
            if not wait_sessions(out, done):
                print("lag: %d sessions written of %d" % (sessions_written(out), done))
            print("rss1k %d" % rss_kb(pid), flush=True)
        if seconds > 0 and done % 10000 == 0:
            print("%.0f s %d connections rss %d KB" % (time.time() - start, done, rss_kb(pid)),
                  flush=True)
    if not wait_sessions(out, done):
        print("lag: %d sessions written of %d" % (sessions_written(out), done))
    print("rssN %d" % rss_kb(pid))
    print("connections %d" % done)
    print("elapsed %.1f" % (time.time() - start))
    return 0


if __name__ == "__main__":
    sys.exit(main())
