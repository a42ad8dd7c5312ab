#!/usr/bin/python3
"""A UmhActors helper in Python, written from docs/protocol.md alone.

Methods: echo (params back), sleep [ms] (cancellable; sends `cancelled [msgid]` when cancelled),
pid. Control: $/hello, $/ping (notification and request), $/cancel, $/shutdown, stdin EOF.
Uses Debian's python3-msgpack; where it is missing, a minimal codec written from the
MessagePack format (the subset this protocol uses) stands in, so the helper runs anywhere.
UMH_PY_CODEC=builtin forces the built-in codec and UMH_PY_CODEC=msgpack requires python3-msgpack
(the helper exits with code 2 without it), so tests cover both; $/hello names the codec in use
as the capability "codec:builtin" or "codec:msgpack".
Method names are accepted as str or bin (other msgpack-rpc clients send bin), UTF-8 either way;
bytes that are not a frame, or a name that is not UTF-8, end the helper with exit code 3.
"""
import os
import sys
import threading

CODEC_CHOICE = os.environ.get("UMH_PY_CODEC", "auto")
msgpack = None
if CODEC_CHOICE != "builtin":
    try:
        import msgpack
    except ImportError:  # no python3-msgpack: fall back to the small codec below, unless it was required
        if CODEC_CHOICE == "msgpack":
            sys.stderr.write("pyhelper: UMH_PY_CODEC=msgpack but python3-msgpack is not installed\n")
            sys.exit(2)

PROTOCOL_VERSION = 1
REQUEST, RESPONSE, NOTIFICATION = 0, 1, 2
METHOD_NOT_FOUND, HANDLER_FAILED, SHUTTING_DOWN, CANCELLED = -32601, -32000, -32001, -32800
PROTOCOL_VIOLATION_EXIT_CODE = 3

out = sys.stdout.buffer
out_lock = threading.Lock()
state_lock = threading.Lock()
in_flight = {}  # msgid -> threading.Event set on cancel
shutting_down = False
done = threading.Event()
exit_code = 0


class ProtocolViolation(Exception):
    pass


class MiniMsgpack:
    """The MessagePack subset the protocol needs: nil, bool, int, float, str, bin, array, map."""

    @staticmethod
    def packb(obj, use_bin_type=True):
        import struct
        out = bytearray()

        def pack(o):
            if o is None:
                out.append(0xC0)
            elif o is True or o is False:
                out.append(0xC3 if o else 0xC2)
            elif isinstance(o, int):
                if 0 <= o < 128:
                    out.append(o)
                elif -32 <= o < 0:
                    out.append(o & 0xFF)
                elif o >= 0:
                    for tag, fmt, limit in ((0xCC, ">B", 1 << 8), (0xCD, ">H", 1 << 16), (0xCE, ">I", 1 << 32), (0xCF, ">Q", 1 << 64)):
                        if o < limit:
                            out.append(tag)
                            out.extend(struct.pack(fmt, o))
                            break
                else:
                    for tag, fmt, limit in ((0xD0, ">b", 1 << 7), (0xD1, ">h", 1 << 15), (0xD2, ">i", 1 << 31), (0xD3, ">q", 1 << 63)):
                        if o >= -limit:
                            out.append(tag)
                            out.extend(struct.pack(fmt, o))
                            break
            elif isinstance(o, float):
                out.append(0xCB)
                out.extend(struct.pack(">d", o))
            elif isinstance(o, str):
                header(len(o.encode()), 0xA0, 32, (0xD9, 0xDA, 0xDB))
                out.extend(o.encode())
            elif isinstance(o, (bytes, bytearray)):
                header(len(o), None, 0, (0xC4, 0xC5, 0xC6))
                out.extend(o)
            elif isinstance(o, (list, tuple)):
                header(len(o), 0x90, 16, (None, 0xDC, 0xDD))
                for item in o:
                    pack(item)
            elif isinstance(o, dict):
                header(len(o), 0x80, 16, (None, 0xDE, 0xDF))
                for k, v in o.items():
                    pack(k)
                    pack(v)
            else:
                raise TypeError("cannot pack %r" % type(o))

        def header(n, fix, fix_limit, tags):
            if fix is not None and n < fix_limit:
                out.append(fix | n)
            elif tags[0] is not None and n < 1 << 8:
                out.append(tags[0])
                out.append(n)
            elif n < 1 << 16:
                out.append(tags[1])
                out.extend(struct.pack(">H", n))
            else:
                out.append(tags[2])
                out.extend(struct.pack(">I", n))

        pack(obj)
        return bytes(out)

    class Unpacker:
        def __init__(self, raw=False, max_buffer_size=0):
            self.buffer = bytearray()

        def feed(self, data):
            self.buffer.extend(data)

        def __iter__(self):
            while True:
                try:
                    value, used = self._read(0)
                except IndexError:  # an incomplete value: wait for more bytes
                    return
                del self.buffer[:used]
                yield value

        def _read(self, i):
            import struct
            b = self.buffer
            t = b[i]
            if t < 0x80:
                return t, i + 1
            if t >= 0xE0:
                return t - 0x100, i + 1
            if 0xA0 <= t <= 0xBF:
                return self._bytes(i + 1, t & 0x1F, True)
            if 0x90 <= t <= 0x9F:
                return self._array(i + 1, t & 0x0F)
            if 0x80 <= t <= 0x8F:
                return self._map(i + 1, t & 0x0F)
            fixed = {0xC0: None, 0xC2: False, 0xC3: True}
            if t in fixed:
                return fixed[t], i + 1
            numbers = {0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xCF: ">Q", 0xD0: ">b", 0xD1: ">h", 0xD2: ">i", 0xD3: ">q", 0xCA: ">f", 0xCB: ">d"}
            if t in numbers:
                size = struct.calcsize(numbers[t])
                if i + 1 + size > len(b):
                    raise IndexError
                return struct.unpack_from(numbers[t], b, i + 1)[0], i + 1 + size
            lengths = {0xD9: (1, True), 0xDA: (2, True), 0xDB: (4, True), 0xC4: (1, False), 0xC5: (2, False), 0xC6: (4, False)}
            if t in lengths:
                size, text = lengths[t]
                return self._bytes(i + 1 + size, self._length(i + 1, size), text)
            if t in (0xDC, 0xDD):
                size = 2 if t == 0xDC else 4
                return self._array(i + 1 + size, self._length(i + 1, size))
            if t in (0xDE, 0xDF):
                size = 2 if t == 0xDE else 4
                return self._map(i + 1 + size, self._length(i + 1, size))
            raise ValueError("unsupported MessagePack type 0x%02x" % t)

        def _length(self, i, size):
            if i + size > len(self.buffer):
                raise IndexError
            return int.from_bytes(self.buffer[i:i + size], "big")

        def _bytes(self, i, n, text):
            if i + n > len(self.buffer):
                raise IndexError
            data = bytes(self.buffer[i:i + n])
            return (data.decode() if text else data), i + n

        def _array(self, i, n):
            items = []
            for _ in range(n):
                item, i = self._read(i)
                items.append(item)
            return items, i

        def _map(self, i, n):
            result = {}
            for _ in range(n):
                key, i = self._read(i)
                result[key], i = self._read(i)
            return result, i


CODEC_NAME = "codec:msgpack" if msgpack is not None else "codec:builtin"
if msgpack is None:
    msgpack = MiniMsgpack


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


def name(value):
    """A method name sent as str or bin (bytes-typed names of other msgpack-rpc implementations)."""
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolViolation("a name of %d bytes is not valid UTF-8" % len(value))
    if isinstance(value, str):
        return value
    raise ProtocolViolation("method is %s, not a string" % type(value).__name__)


def dispatch(frame):
    global shutting_down
    if not isinstance(frame, (list, tuple)) or not frame:
        raise ProtocolViolation("a frame is not an array")
    kind = frame[0]
    if kind == REQUEST:
        _, msgid, method, params = frame
        method = name(method)
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
        method = name(method)
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


def stop(code):
    global exit_code
    with state_lock:
        exit_code = exit_code or code
        for cancel in in_flight.values():
            cancel.set()
    done.set()


def read_loop():
    unpacker = msgpack.Unpacker(raw=False, max_buffer_size=16 * 1024 * 1024)
    try:
        while True:
            chunk = os.read(0, 65536)
            if not chunk:  # host gone or done: cancel everything and leave
                stop(0)
                return
            unpacker.feed(chunk)
            for frame in unpacker:
                dispatch(frame)
    # Not a frame (the codecs raise ValueError subclasses, UnicodeDecodeError among them, for bad
    # bytes), or a frame of the wrong shape: the stream cannot be trusted any more.
    except (ProtocolViolation, ValueError, TypeError, IndexError) as e:
        sys.stderr.write("pyhelper: protocol violation: %s\n" % e)
        sys.stderr.flush()
        stop(PROTOCOL_VIOLATION_EXIT_CODE)


def main():
    try:  # exec'd as /proc/self/fd/3 the kernel names us "3"; ps and top should say what we are
        with open("/proc/self/comm", "w") as comm:
            comm.write("pyhelper")
    except OSError:
        pass
    send([NOTIFICATION, "$/hello", [PROTOCOL_VERSION, "pyhelper", os.getpid(), ["echo", "cancel", CODEC_NAME]]])
    threading.Thread(target=read_loop, daemon=True).start()
    done.wait()
    with out_lock:
        out.flush()
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
