#!/usr/bin/python3
"""A plain msgpack-rpc server over stdio that knows nothing of UmhActors: no $/hello, no $/ping,
no $/cancel, no $/shutdown. Written with Debian's python3-msgpack, names read raw (bytes) and
its own notifications named in bin, as bytes-minded implementations do.

Methods: echo (params back), sleep [ms], pid, seen (every method name received so far, control
ones included), tick [n] (sends n notifications [2, bin "tick", [i]], then answers n).
Stdin EOF: writes "eof" to stderr and exits 0. SIGTERM is ignored, so a host that stops it by
signal instead of by EOF has to wait for SIGKILL.
"""
import os
import signal
import sys
import threading
import time

import msgpack

signal.signal(signal.SIGTERM, signal.SIG_IGN)
out_lock = threading.Lock()
seen = []


def send(frame):
    data = msgpack.packb(frame, use_bin_type=True)
    with out_lock:
        os.write(1, data)


def answer(msgid, method, params):
    if method == "echo":
        return None, params
    if method == "sleep":
        time.sleep(params[0] / 1000.0)
        return None, params[0]
    if method == "pid":
        return None, os.getpid()
    if method == "seen":
        return None, list(seen)
    if method == "tick":
        for i in range(params[0]):
            send([2, b"tick", [i]])
        return None, params[0]
    return "no method '%s'" % method, None


def serve(msgid, method, params):
    error, result = answer(msgid, method, params)
    send([1, msgid, error, result])


def main():
    unpacker = msgpack.Unpacker(raw=True)
    while True:
        chunk = os.read(0, 65536)
        if not chunk:
            sys.stderr.write("eof\n")
            sys.stderr.flush()
            return 0
        unpacker.feed(chunk)
        for frame in unpacker:
            kind = frame[0]
            method = (frame[2] if kind == 0 else frame[1]).decode("utf-8")
            seen.append(method)
            if kind == 0:
                threading.Thread(target=serve, args=(frame[1], method, frame[3]), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
