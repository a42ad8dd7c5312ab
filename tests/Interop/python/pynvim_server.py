#!/usr/bin/python3
"""A helper written with pynvim's msgpack-rpc server side (Debian's python3-pynvim, an independent
msgpack-rpc implementation), knowing nothing of UmhActors: no $/hello, no $/ping. Run by the
tests as a #! script blob behind a HelperActor with HelperOptions.WithPlainMsgpackRpc().

pynvim's stdio_session() first sends the notification b"nvim_set_client_info" to its peer: a
method name in bin, which the host must accept. Methods: echo, add [a, b], fail (an error sent
with pynvim's ErrorResponse: a bare string), poke [n] (answers n after sending the notification
"poked" [n] with a bin name). Stdin EOF ends it.
"""
import sys

from pynvim.msgpack_rpc import stdio_session
from pynvim.msgpack_rpc.session import ErrorResponse

session = stdio_session()


def name(value):
    return value.decode("utf-8") if isinstance(value, bytes) else value


def on_request(method, args):
    method = name(method)
    if method == "echo":
        return list(args)
    if method == "add":
        return args[0] + args[1]
    if method == "fail":
        raise ErrorResponse("it failed on purpose")
    if method == "poke":
        session.request(b"poked", args[0], async_=True)
        return args[0]
    raise ErrorResponse("no method %s" % method)


def on_notification(method, args):
    pass


session.run(on_request, on_notification)
sys.exit(0)
