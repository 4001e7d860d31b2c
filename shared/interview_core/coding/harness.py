"""What runs inside the sandboxed child: the parent passes this file's source with `python -I -S -c` and the
payload (marshal, written by the parent) on stdin. Standard library only; it imports nothing of the package.

It lowers its own resource limits before any untrusted code runs, then reports on the frame channel (a pipe
fd the parent names in the payload), one line per event, `kind index milliseconds value error` with the two
texts hex-encoded UTF-8 (`-` for none): `ready`, `loaded` (the candidate's code ran, or its error), then per
test `start` and `result` (the value's repr, bounded, or the error). Imports are few and lazy: a run of
Python tests imports `resource` only, unless something raises.
It never decides whether a test passed: it is never told what is expected. The candidate's code runs in this
interpreter and may write to the channel too; the parent only trusts the channel for what the candidate could
compute anyway (see sandbox.py).
"""

import _signal  # not `signal`: it imports enum, and every import is start-up time of every run
import builtins
import marshal
import os
import resource
import sys
import time
from typing import Any

SOLUTION = "solution.py"
TEST = "<test>"
ERROR_MAX = 2_000


def _hex(text: str | None) -> str:
    return "-" if text is None else text.encode("utf-8", "backslashreplace").hex()


def send(
    fd: int, kind: str, i: int = -1, ms: float = 0.0, value: str | None = None, error: str | None = None
) -> None:
    data = f"{kind} {i} {ms:.3f} {_hex(value)} {_hex(error)}\n".encode()
    while data:
        data = data[os.write(fd, data) :]


def limit(limits: dict[str, int]) -> None:
    for name, value in limits.items():
        resource.setrlimit(getattr(resource, name), (value, value))
    _signal.signal(_signal.SIGXFSZ, _signal.SIG_IGN)  # a write past RLIMIT_FSIZE fails with EFBIG instead


# A seccomp filter (classic BPF, x86_64): socket() and io_uring_setup() (whose ops can open sockets) fail with
# EPERM, as does every x32 or i386 system call; everything else is allowed. Installed after no_new_privs, it
# holds for the candidate's code and whatever it starts, and cannot be removed.
_LD_ABS, _JEQ, _JGE, _RET = 0x20, 0x15, 0x35, 0x06
_AUDIT_ARCH_X86_64, _X32_BIT, _SOCKET, _IO_URING_SETUP = 0xC000003E, 0x40000000, 41, 425
_ALLOW, _EPERM = 0x7FFF0000, 0x00050000 | 1
_FILTER = (
    (_LD_ABS, 0, 0, 4),  # seccomp_data.arch
    (_JEQ, 1, 0, _AUDIT_ARCH_X86_64),
    (_RET, 0, 0, _EPERM),
    (_LD_ABS, 0, 0, 0),  # seccomp_data.nr
    (_JGE, 3, 0, _X32_BIT),
    (_JEQ, 2, 0, _SOCKET),
    (_JEQ, 1, 0, _IO_URING_SETUP),
    (_RET, 0, 0, _ALLOW),
    (_RET, 0, 0, _EPERM),
)


def deny_sockets() -> None:
    """No socket at all, loopback included: without namespaces ("vpc" mode, Lambda) the network namespace is
    the function's, where 127.0.0.1 serves Lambda's runtime API (the next invocation, its response). Raises
    when the filter cannot be installed (another architecture): the run then never starts."""
    import ctypes

    if os.uname().machine != "x86_64":
        raise OSError("the socket filter is written for x86_64")

    class Filter(ctypes.Structure):
        _fields_ = [
            ("code", ctypes.c_ushort),
            ("jt", ctypes.c_ubyte),
            ("jf", ctypes.c_ubyte),
            ("k", ctypes.c_uint),
        ]

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(Filter))]

    rules = (Filter * len(_FILTER))(*(Filter(*rule) for rule in _FILTER))
    program = Program(len(_FILTER), rules)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    if libc.prctl(38, 1, None, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
        raise OSError(ctypes.get_errno(), "PR_SET_NO_NEW_PRIVS failed")
    if libc.prctl(22, 2, ctypes.addressof(program), 0, 0) != 0:  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER
        raise OSError(ctypes.get_errno(), "the seccomp filter was refused")


def error_text(exc: BaseException) -> str:
    """The exception with only the frames of the candidate's code and the test's call."""
    if isinstance(exc, MemoryError):
        return "memory limit exceeded (MemoryError)"
    try:
        import traceback

        te = traceback.TracebackException.from_exception(exc)
        te.stack = traceback.StackSummary.from_list([f for f in te.stack if f.filename in (SOLUTION, TEST)])
        text = "".join(te.format()).strip()
    except BaseException:  # formatting can fail too (memory, a __str__ that raises)
        text = type(exc).__name__
    if isinstance(exc, OSError) and exc.errno == 27:
        text = "file size limit exceeded: " + text
    return text if len(text) <= ERROR_MAX else "..." + text[-ERROR_MAX:]


def bounded_repr(value: object, most: int) -> tuple[str | None, str | None]:
    try:
        text = repr(value)
    except BaseException as exc:
        return None, "repr() failed: " + error_text(exc)
    if not isinstance(text, str):
        return None, "repr() did not return a string"
    if len(text) > most:
        return None, f"the value's repr is longer than {most} characters"
    return text, None


def flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:  # noqa: SIM105 (contextlib costs start-up time)
            stream.flush()
        except BaseException:
            pass


def run_python(fd: int, code: str, calls: list[str], repr_max: int) -> None:
    import linecache  # imports nothing more, and tracebacks of the candidate's code need it

    linecache.cache[SOLUTION] = (len(code), None, code.splitlines(True), SOLUTION)
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    try:
        exec(compile(code, SOLUTION, "exec"), namespace)
    except BaseException as exc:
        flush()
        send(fd, "loaded", error=error_text(exc))
        return
    flush()
    send(fd, "loaded")
    for i, call in enumerate(calls):
        linecache.cache[TEST] = (len(call), None, [call + "\n"], TEST)
        send(fd, "start", i)
        start = time.perf_counter()
        shown: str | None = None
        err: str | None = None
        try:
            value = eval(compile(call, TEST, "eval"), dict(namespace))
            shown, err = bounded_repr(value, repr_max)
        except BaseException as exc:
            err = error_text(exc)
        ms = (time.perf_counter() - start) * 1000
        flush()
        send(fd, "result", i, ms, shown, err)


def sqlite_value(value: object) -> object:
    if isinstance(value, bytes):
        return "x'" + value.hex() + "'"
    return value


def run_sql(fd: int, schema: str, query: str, setups: list[str | None], steps: int, rows_max: int) -> None:
    import json  # here: a Python run does not pay for them
    import sqlite3

    ok = {
        sqlite3.SQLITE_SELECT,
        sqlite3.SQLITE_READ,
        sqlite3.SQLITE_FUNCTION,
        getattr(sqlite3, "SQLITE_RECURSIVE", 33),
    }
    refused_always = {sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH}

    def schema_rule(
        action: int, arg1: str | None, arg2: str | None, db: str | None, source: str | None
    ) -> int:
        if action in refused_always or (action == sqlite3.SQLITE_FUNCTION and arg2 == "load_extension"):
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    def query_rule(
        action: int, arg1: str | None, arg2: str | None, db: str | None, source: str | None
    ) -> int:
        if action not in ok or (action == sqlite3.SQLITE_FUNCTION and arg2 == "load_extension"):
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    budget = [0]

    def progress() -> int:
        budget[0] -= 1
        return 1 if budget[0] < 0 else 0

    per_call = 1_000
    for i, setup in enumerate(setups):
        send(fd, "start", i)
        start = time.perf_counter()
        rows: list[list[object]] | None = None
        err: str | None = None
        conn = sqlite3.connect(":memory:", isolation_level=None)
        try:
            if hasattr(conn, "enable_load_extension"):
                conn.enable_load_extension(False)
            conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
            conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 1_000_000)
            conn.set_progress_handler(progress, per_call)
            budget[0] = steps // per_call
            conn.set_authorizer(schema_rule)
            try:
                conn.executescript(schema)
                if setup:
                    conn.executescript(setup)
            except sqlite3.Error as exc:
                err = f"the question's schema failed: {exc}"
            if err is None:
                conn.set_authorizer(query_rule)
                budget[0] = steps // per_call
                try:
                    cursor = conn.execute(query)
                    fetched = cursor.fetchmany(rows_max + 1)
                    if len(fetched) > rows_max:
                        err = f"more than {rows_max} rows"
                    else:
                        rows = [[sqlite_value(v) for v in row] for row in fetched]
                except sqlite3.Error as exc:
                    message = str(exc)
                    if message == "interrupted" and budget[0] < 0:
                        message = f"step limit exceeded ({steps} steps)"
                    elif isinstance(exc, sqlite3.ProgrammingError) and "one statement" in message:
                        message = "the answer must be one query: " + message
                    err = f"{type(exc).__name__}: {message}"
                except MemoryError:
                    err = "memory limit exceeded (MemoryError)"
        finally:
            conn.close()
        ms = (time.perf_counter() - start) * 1000
        send(fd, "result", i, ms, None if rows is None else json.dumps(rows), err)


def main() -> None:
    payload = marshal.loads(sys.stdin.buffer.read())
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)  # the payload is gone from stdin; the candidate's input() reads nothing
    os.close(devnull)
    os.environ.clear()  # empty already; the shell's PWD and the interpreter's LC_CTYPE go too
    fd: int = payload.pop("fd")
    limit(payload.pop("limits"))
    if payload.pop("deny_sockets"):
        deny_sockets()
    send(fd, "ready")
    if payload["mode"] == "python":
        code, calls, repr_max = payload.pop("code"), payload.pop("calls"), payload.pop("repr_max")
        del payload
        run_python(fd, code, calls, repr_max)
    else:
        run_sql(
            fd, payload["schema"], payload["query"], payload["setups"], payload["steps"], payload["rows_max"]
        )
    flush()
    send(fd, "done")


if __name__ == "__main__":
    main()
