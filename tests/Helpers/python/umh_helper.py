#!/usr/bin/python3
"""A UmhActors helper in Python, written from docs/protocol.md alone.

Methods: echo (params back), sleep [ms] (cancellable; sends `cancelled [msgid]` when cancelled),
pid. Control: $/hello, $/ping (notification and request), $/cancel, $/shutdown, stdin EOF.
Needs Debian's python3-msgpack.
"""
import os
import sys
import threading

import msgpack

PROTOCOL_VERSION = 1
REQUEST, RESPONSE, NOTIFICATION = 0, 1, 2
METHOD_NOT_FOUND, HANDLER_FAILED, SHUTTING_DOWN, CANCELLED = -32601, -32000, -32001, -32800

out = sys.stdout.buffer
out_lock = threading.Lock()
state_lock = threading.Lock()
in_flight = {}  # msgid -> threading.Event set on cancel
shutting_down = False
done = threading.Event()


class Cancelled(Exception):
    pass


def send(frame):
    data = msgpack.packb(frame, use_bin_type=True)
    with out_lock:
        out.write(data)
        out.flush()


def error(code, message):
    return {"code": code, "message": message}


def echo(msgid, params, cancel):
    return params


def sleep(msgid, params, cancel):
    ms = params[0]
    if cancel.wait(ms / 1000.0):
        send([NOTIFICATION, "cancelled", [msgid]])
        raise Cancelled()
    return ms


def pid(msgid, params, cancel):
    return os.getpid()


HANDLERS = {"echo": echo, "sleep": sleep, "pid": pid}


def finish_if_drained():
    if shutting_down and not in_flight:
        done.set()


def run_request(msgid, method, params, cancel):
    try:
        result = HANDLERS[method](msgid, params, cancel)
        send([RESPONSE, msgid, None, result])
    except Cancelled:
        send([RESPONSE, msgid, error(CANCELLED, "%s #%d was cancelled" % (method, msgid)), None])
    except Exception as e:  # a handler's bug fails its request, not the helper
        send([RESPONSE, msgid, error(HANDLER_FAILED, "%s: %s" % (type(e).__name__, e)), None])
    finally:
        with state_lock:
            in_flight.pop(msgid, None)
            finish_if_drained()


def dispatch(frame):
    global shutting_down
    kind = frame[0]
    if kind == REQUEST:
        _, msgid, method, params = frame
        if method == "$/ping":
            send([RESPONSE, msgid, None, params[0]])
        elif method == "$/shutdown":
            with state_lock:
                shutting_down = True
                finish_if_drained()
        elif method not in HANDLERS:
            send([RESPONSE, msgid, error(METHOD_NOT_FOUND, "no method '%s'" % method), None])
        else:
            with state_lock:
                if shutting_down:
                    send([RESPONSE, msgid, error(SHUTTING_DOWN, "shutting down"), None])
                    return
                cancel = threading.Event()
                in_flight[msgid] = cancel
            threading.Thread(target=run_request, args=(msgid, method, params, cancel), daemon=True).start()
    elif kind == NOTIFICATION:
        _, method, params = frame
        if method == "$/ping":
            send([NOTIFICATION, "$/pong", [params[0]]])
        elif method == "$/cancel":
            with state_lock:
                cancel = in_flight.get(params[0])
            if cancel is not None:
                cancel.set()
        elif method == "$/shutdown":
            with state_lock:
                shutting_down = True
                finish_if_drained()


def read_loop():
    unpacker = msgpack.Unpacker(raw=False, max_buffer_size=16 * 1024 * 1024)
    while True:
        chunk = os.read(0, 65536)
        if not chunk:  # host gone or done: cancel everything and leave
            with state_lock:
                for cancel in in_flight.values():
                    cancel.set()
            done.set()
            return
        unpacker.feed(chunk)
        for frame in unpacker:
            dispatch(frame)


def main():
    send([NOTIFICATION, "$/hello", [PROTOCOL_VERSION, "pyhelper", os.getpid(), ["echo", "cancel"]]])
    threading.Thread(target=read_loop, daemon=True).start()
    done.wait()
    with out_lock:
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
