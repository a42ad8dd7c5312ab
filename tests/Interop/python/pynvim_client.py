#!/usr/bin/python3
"""Drives a helper with pynvim's msgpack-rpc client (Debian's python3-pynvim, an independent
msgpack-rpc implementation): spawns HELPER as a child over pipes with child_session, makes calls,
and prints one JSON line per observation for the .NET test to check. Usage: pynvim_client.py HELPER

pynvim's session() itself first sends the notification b"nvim_set_client_info": a method name
in bin, as bytes-minded clients send it. The helper must ignore it and keep serving.
"""
import asyncio
import json
import os
import sys
import time

from pynvim.msgpack_rpc import child_session
from pynvim.msgpack_rpc.session import ErrorResponse  # noqa: F401 (the library's error type)


def plain(value):
    """bytes (bin) as {"bin": text}, so the report says what the helper sent either way."""
    if isinstance(value, (bytes, bytearray)):
        return {"bin": bytes(value).decode("utf-8")}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {(k.decode() if isinstance(k, bytes) else k): plain(v) for k, v in value.items()}
    return value


def report(what, value):
    sys.stdout.write(json.dumps({"what": what, "value": value}) + "\n")
    sys.stdout.flush()


def call(session, method, *args):
    try:
        return {"error": None, "result": plain(session.request(method, *args))}
    except Exception as e:  # pynvim raises the error object wrapped by session.error_wrapper
        error = e.args[0] if e.args else str(e)
        return {"error": plain(error), "result": None}


def next_notification(session, method):
    while True:
        message = session.next_message()
        if message is None:
            raise EOFError("the helper closed its stdout")
        kind, name, args = message[0], message[1], message[2]
        name = name.decode() if isinstance(name, bytes) else name
        if kind == "notification" and name == method:
            return args


def main():
    session = child_session([sys.argv[1]])
    session.error_wrapper = lambda error: Exception(error)
    report("hello", plain(next_notification(session, "$/hello")))
    report("echo", call(session, "echo", 1, "two", [3]))
    report("add", call(session, "add", 2, 3))
    report("echo_bin_name", call(session, b"echo", "bin"))
    report("unknown", call(session, "no_such_method"))
    # A notification: $/cancel for a sleeping request, which the helper answers as cancelled.
    # The async session sends the request without waiting; its id is the next one.
    async_session = session._async_session
    sleep_id = async_session._next_request_id
    sleep_result = []
    async_session.request("sleep", [60000], lambda error, result: sleep_result.append({"error": plain(error), "result": plain(result)}))
    session.request("$/cancel", sleep_id, async_=True)
    report("sleep_id", sleep_id)
    report("cancelled_notification", plain(next_notification(session, "cancelled")))
    while not sleep_result:  # the answer comes right after the notification; run the loop until it is in
        call(session, "add", 0, 0)
    report("sleep", sleep_result[0])
    # A notification the helper handles: it answers with the notification notified [x].
    session.request("notify_back", "x", async_=True)
    report("notified", plain(next_notification(session, "notified")))
    session.request("no_such_notification", 1, async_=True)
    report("after_notification", call(session, "add", 40, 2))
    # Stdin EOF: the helper must exit by itself. pynvim has no public call for it: close the
    # child's stdin pipe under its asyncio loop and run the loop until the child is reaped.
    loop = session.loop
    loop._transport.close()
    deadline = time.monotonic() + 10
    while loop._raw_transport.get_returncode() is None and time.monotonic() < deadline:
        try:
            loop._loop.run_until_complete(asyncio.sleep(0.02))
        except RuntimeError:  # pynvim stops its loop on each EOF it sees: run it again
            pass
    code = loop._raw_transport.get_returncode()
    # A negative code is a signal in asyncio's convention.
    report("exit", {"code": code if code is None or code >= 0 else None, "signal": -code if code is not None and code < 0 else None})


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)  # skip asyncio's teardown of a loop pynvim already stopped
