"""The coding sandbox with real processes: every attack ends within its limit with a clear per-test result,
leaves nothing behind, and the next run still works.

The network tests do not skip where isolation is missing: `run_python` raises SandboxUnavailable there, so CI
proves the isolation it runs with."""

import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from interview_core.coding import (
    PythonTest,
    RunResult,
    SandboxUnavailable,
    SqlTest,
    check_expressions,
    check_reference,
    check_reference_sql,
    isolation,
    run_python,
    run_sql,
    sandbox,
)
from interview_core.coding.models import STDOUT_CAP

LIMIT_MS = 1000
SLACK_S = 3.0  # launch, the start grace and a loaded 2-core machine, on top of the time limit

ADD = "def add(a, b):\n    return a + b\n"
ADD_TESTS = [
    PythonTest(name="small", call="add(1, 2)", expected="3", visible=True),
    PythonTest(name="negative", call="add(-5, 2)", expected="-3"),
    PythonTest(name="strings", call="add('a', 'b')", expected="'ab'"),
]
TWO = [
    PythonTest(name="first", call="f()", expected="1"),
    PythonTest(name="second", call="g()", expected="2"),
]
G = "\ndef g():\n    return 2\n"


def timed(code: str, tests: list[PythonTest] = TWO, limit_ms: int = LIMIT_MS) -> tuple[RunResult, float]:
    start = time.monotonic()
    result = run_python(code, tests, limit_ms)
    elapsed = time.monotonic() - start
    assert elapsed < limit_ms / 1000 + SLACK_S, elapsed
    return result, elapsed


def errors(result: RunResult) -> list[str | None]:
    return [r.error for r in result.results]


def sandbox_processes() -> list[str]:
    """Processes left by this test process's runs: its descendants run by a sandbox uid (namespace mode), or
    any process whose command line names our marker (the daemon test's `sleep`)."""
    parents, lines = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid, uid = int(entry.name), int(fields["Uid"].split()[0])
        parents[pid] = int(fields["PPid"])
        if uid >= sandbox.UID_BASE or "4242.4242" in cmdline:
            lines[pid] = f"{pid} uid={uid} {cmdline[:80]}"

    def ours(pid: int) -> bool:
        seen = set()
        while pid > 1 and pid not in seen:
            seen.add(pid)
            pid = parents.get(pid, 0)
            if pid == os.getpid():
                return True
        return False

    return [line for pid, line in lines.items() if "4242.4242" in line or ours(pid)]


@pytest.fixture(autouse=True)
def healthy_after() -> Iterator[None]:
    """After every test: nothing of a run is left, and a run still works. Run directories are looked for
    where the sandbox makes them (TMPDIR, else /tmp): with a TMPDIR of its own, other processes' runs on
    the machine are not taken for this one's."""
    before = set(Path(tempfile.gettempdir()).glob("code-run-*"))
    yield
    deadline = time.monotonic() + 2
    while sandbox_processes() and time.monotonic() < deadline:  # killed processes take a moment to be reaped
        time.sleep(0.05)
    assert sandbox_processes() == []
    assert set(Path(tempfile.gettempdir()).glob("code-run-*")) - before == set()
    result = run_python(ADD, ADD_TESTS[:1], LIMIT_MS)
    assert (result.passed, result.total) == (1, 1), result


def test_network_isolation_is_available() -> None:
    # Not skipped anywhere: CI must show that code runs without network.
    assert isolation() in ("namespace", "user-namespace", "bwrap"), (
        "no network isolation: install util-linux (unshare) or bubblewrap, or run as root"
    )


# -- results -----------------------------------------------------------------------------------------------


def test_a_correct_solution_passes_every_test() -> None:
    tests = [
        *ADD_TESTS,
        PythonTest(name="sets in any order", call="{add(1, 1), 3}", expected="{3, 2}"),
        PythonTest(name="dict order", call="{'b': 1, 'a': 2}", expected="{'a': 2, 'b': 1}"),
        PythonTest(name="not a literal", call="sorted([3, 1, 2])", expected="list(range(1, 4))"),
        PythonTest(name="float and int", call="add(0.5, 0.5)", expected="1"),
    ]
    result, _ = timed(ADD, tests)
    assert (result.passed, result.total, result.timed_out, result.error) == (7, 7, False, None), result
    assert all(r.duration_ms is not None and r.duration_ms >= 0 for r in result.results)
    assert [r.visible for r in result.results][:2] == [True, False]


def test_a_wrong_solution_fails_with_expected_and_actual() -> None:
    result, _ = timed("def add(a, b):\n    return a - b\n", ADD_TESTS)
    assert result.passed == 0
    small = result.results[0]
    assert (small.expected, small.actual, small.error, small.call) == ("3", "-1", None, "add(1, 2)")
    assert "TypeError" in (result.results[2].error or "")
    assert 'File "solution.py", line 2, in add' in (result.results[2].error or "")


def test_an_object_equal_to_everything_does_not_pass() -> None:
    code = (
        "class Any:\n    def __eq__(self, other):\n        return True\n    __hash__ = None\ndef add(a, b):\n"
    )
    code += "    return Any()\n"
    result, _ = timed(code, ADD_TESTS)
    assert result.passed == 0
    assert result.results[0].actual is not None and "Any object" in result.results[0].actual


def test_what_the_candidate_sees_of_hidden_tests() -> None:
    tests = [*ADD_TESTS, PythonTest(name="secret", call="add(None, 40)", expected="'x'")]
    result, _ = timed(ADD, tests)
    assert "add(None, 40)" in (result.results[3].error or "")
    shown = result.for_candidate()
    # the candidate's code could have copied the hidden calls into any output: only pass or fail is shown
    assert [(r.name, r.call, r.expected, r.actual, r.error) for r in shown.results[1:]] == [
        (f"hidden test {n}", None, None, None, None) for n in (1, 2, 3)
    ]
    assert [r.passed for r in shown.results] == [r.passed for r in result.results]
    assert (shown.results[0].call, shown.results[0].expected) == (
        result.results[0].call,
        result.results[0].expected,
    )
    assert shown.results[0].actual is None and shown.stdout == ""
    visible_only = result.model_copy(update={"results": result.results[:1]})
    assert visible_only.for_candidate() == visible_only  # the candidate's own run of visible tests


def test_every_call_runs_after_one_raises_and_prints_are_kept() -> None:
    code = "def f():\n    print('in f')\n    raise ValueError('boom')\n" + G
    result, _ = timed(code)
    assert [r.passed for r in result.results] == [False, True]
    assert "ValueError: boom" in (result.results[0].error or "")
    assert result.stdout == "in f\n"


def test_hidden_expected_values_never_reach_the_candidates_process() -> None:
    tests = [
        PythonTest(name="literal", call="f()", expected="'hidden-literal-7f3a'"),
        PythonTest(name="computed", call="g()", expected="'hidden-' + 'computed-7f3a'"),
    ]
    # the marker is built at run time, so the code's own text and constants do not hold it
    code = (
        "import gc, os, sys\n"
        "def look(text):\n"
        "    if isinstance(text, bytes):\n"
        "        text = text.decode(errors='replace')\n"
        "    if isinstance(text, str) and ''.join(map(chr, (55, 102, 51, 97))) in text:\n"
        "        print('HIT', text[:100])\n"
        "for obj in gc.get_objects():\n"
        "    for value in (obj.values() if isinstance(obj, dict) else obj if isinstance(obj, list | tuple) else ()):\n"
        "        look(value)\n"
        "frame = sys._getframe()\n"
        "while frame:\n"
        "    for value in list(frame.f_globals.values()) + list(frame.f_locals.values()):\n"
        "        look(value)\n"
        "    frame = frame.f_back\n"
        "look(sys.stdin.read())\n"
        "for pid in os.listdir('/proc'):\n"
        "    for name in ('cmdline', 'environ'):\n"
        "        try:\n"
        "            look(open(f'/proc/{pid}/{name}', 'rb').read())\n"
        "        except OSError:\n"
        "            pass\n"
        "for fd in range(3, 64):\n"
        "    try:\n"
        "        os.set_blocking(fd, False)\n"
        "        look(os.read(fd, 1 << 16))\n"
        "    except OSError:\n"
        "        pass\n"
        "print('FOUND')\n"
        "def f():\n"
        "    return 'guess'\n"
        "def g():\n"
        "    return 'guess'\n"
    )
    result, _ = timed(code, tests)
    assert "FOUND" in result.stdout, result
    assert "7f3a" not in result.stdout
    assert result.passed == 0
    assert [r.expected for r in result.results] == ["'hidden-literal-7f3a'", "'hidden-computed-7f3a'"]


def test_the_environment_is_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "parent-secret-9c1d")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "parent-token-9c1d")
    code = "import os\nprint(dict(os.environ))\nprint(open('/proc/self/environ','rb').read())\n"
    code += "def f():\n    return 1\n" + G
    result, _ = timed(code)
    assert result.stdout.splitlines()[0] == "{}", result.stdout
    assert "9c1d" not in result.stdout
    assert result.passed == 2


def in_vpc_mode(script: str, *args: str, **env: str) -> dict[str, Any]:
    """Run `script` in a process of its own in "vpc" mode (it makes that process non-dumpable and a
    subreaper, which this one must not become); its last line of output, as JSON.

    As root the child runs as nobody, who cannot execute an interpreter under /root (pyenv's, here): then
    the child gets a world-executable one, as Lambda's /var/lang is (the harness needs the standard library
    only); `script` finds it in sys.argv[1]. Not as root, the child has this process's uid, as in Lambda."""
    import json
    import subprocess
    import sys

    python = sys.executable
    if os.geteuid() == 0:
        python = next(
            (p for p in ("/usr/bin/python3", "/usr/local/bin/python3") if os.access(p, os.X_OK)), ""
        )
        if not python or not os.stat(os.path.realpath(python)).st_mode & 0o001:
            pytest.skip("no interpreter that nobody may execute")
    variables = {"CODE_RUNNER_ISOLATION": "vpc", "CODE_RUNNER_NETWORK": "vpc", **env}  # no namespaces
    out = subprocess.run(
        [sys.executable, "-c", script, python, *args],
        env={
            "PATH": os.environ["PATH"],
            "PYTHONPATH": os.pathsep.join(sys.path),
            "TMPDIR": tempfile.gettempdir(),  # its run directories where healthy_after looks
            **variables,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    report: dict[str, Any] = json.loads(out.stdout.splitlines()[-1])
    return report


_VPC_DAEMON = r"""
import json, os, sys
from interview_core.coding import PythonTest, run_python, sandbox
sandbox._python = lambda: sys.argv[1]
code = (
    "import os\n"
    "def f():\n"
    "    if os.fork() == 0:\n"
    "        os.setsid()\n"
    "        if os.fork() == 0:\n"
    "            os.execv('/bin/sleep', ['sleep', '4343.4343'])\n"
    "        os._exit(0)\n"
    "    return 1\n"
)
passed = run_python(code, [PythonTest(name="daemon", call="f()", expected="1")], 2000).passed
left = []
for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
    try:
        if open(f"/proc/{pid}/cmdline", "rb").read() == b"sleep\x004343.4343\x00":
            left.append(pid)
    except OSError:
        pass
print(json.dumps({"passed": passed, "left": left, "children": sandbox._children()}))
"""


def test_in_lambda_an_escaped_daemon_is_killed_after_the_run() -> None:
    """Without a PID namespace, a process that left its run's group would live on in the function beside
    the next runs: the parent, their subreaper, kills it once the run is over."""
    report = in_vpc_mode(_VPC_DAEMON)
    assert report == {"passed": 1, "left": [], "children": []}, report


_LAMBDA_LIKE = r"""
import ctypes, json, sys
from interview_core.coding import PythonTest, isolation, run_python, sandbox
sandbox._python = lambda: sys.argv[1]
code = (
    "import os\n"
    "print(dict(os.environ))\n"
    "print(open('/proc/self/environ', 'rb').read())\n"
    "seen = []\n"
    "for pid in [p for p in os.listdir('/proc') if p.isdigit()]:\n"
    "    for name in ('environ', 'cmdline'):\n"
    "        try:\n"
    "            seen.append(open(f'/proc/{pid}/{name}', 'rb').read().decode(errors='replace'))\n"
    "        except OSError:\n"
    "            pass\n"
    "print('AKIA' + 'LAMBDA' in ' '.join(seen), len(seen))\n"
    "import socket\n"
    "for family, kind, where in ((socket.AF_INET, socket.SOCK_STREAM, ('127.0.0.1', int(PORT))),\n"
    "                            (socket.AF_INET, socket.SOCK_DGRAM, ('127.0.0.1', int(PORT))),\n"
    "                            (socket.AF_UNIX, socket.SOCK_STREAM, '/tmp/none')):\n"
    "    try:\n"
    "        socket.socket(family, kind).connect(where)\n"
    "        print('connected')\n"
    "    except OSError as e:\n"
    "        print('refused', e.errno)\n"
    "def f():\n"
    "    return os.environ.get('AWS_SECRET_ACCESS_KEY')\n"
)
code = code.replace("PORT", sys.argv[2])
result = run_python(code, [PythonTest(name="env", call="f()", expected="None")], 2000)
dumpable = ctypes.CDLL(None).prctl(3, 0, 0, 0, 0)  # PR_GET_DUMPABLE
print(json.dumps({"isolation": isolation(), "dumpable": dumpable, "result": result.model_dump()}))
"""


def test_in_lambda_the_child_cannot_read_the_functions_credentials() -> None:
    """The code_runner function's environment holds its role's credentials (Lambda puts them there); in
    "vpc" mode, the one Lambda allows, the child gets an empty environment and cannot read the parent's.
    Nor can it open a socket: the loopback network is the function's own (Lambda's runtime API is there),
    here a port this test listens on."""
    credentials = {
        "AWS_ACCESS_KEY_ID": "AKIALAMBDA0000000000",
        "AWS_SECRET_ACCESS_KEY": "AKIALAMBDA-secret",
        "AWS_SESSION_TOKEN": "AKIALAMBDA-token",
        "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",
    }
    with socket.create_server(("127.0.0.1", 0)) as listener:
        report = in_vpc_mode(_LAMBDA_LIKE, str(listener.getsockname()[1]), **credentials)
    assert report["isolation"] == "vpc" and report["dumpable"] == 0, report
    result = RunResult.model_validate(report["result"])
    lines = result.stdout.splitlines()
    assert lines[0] == "{}" and lines[1] == "b''", result.stdout
    assert lines[2].startswith("False "), result.stdout  # no /proc file it can read holds them
    assert lines[3:6] == ["refused 1"] * 3, result.stdout  # EPERM: the filter, before any connection
    assert "AKIALAMBDA" not in result.stdout and result.passed == 1, result


def test_the_repository_and_home_directories_are_hidden() -> None:
    repository = Path(__file__).resolve().parents[2]
    code = (
        "import os\n"
        f"print(os.path.exists({str(repository / 'pyproject.toml')!r}), os.listdir('/root'), os.listdir('/run'))\n"
        "try:\n    import pydantic\nexcept ImportError as exc:\n    print(type(exc).__name__)\n"
        "def f():\n    return 1\n"
    ) + G
    result, _ = timed(code)
    exists, root, run = result.stdout.splitlines()[0].split(" ", 2)
    assert (exists, run) == ("False", "[]"), result.stdout
    assert root in ("[]", "['.pyenv']")  # only the interpreter's own directory, when it lives there
    assert result.stdout.splitlines()[1] == "ModuleNotFoundError"  # the standard library only
    assert result.passed == 2


def test_the_temporary_directory_is_removed() -> None:
    code = "import os\nopen('scratch.txt', 'w').write('x')\nprint(os.getcwd())\nprint(os.listdir('.'))\n"
    code += "def f():\n    return 1\n" + G
    result, _ = timed(code)
    cwd, listing = result.stdout.splitlines()
    assert listing == "['scratch.txt']"
    assert cwd.startswith(os.path.join(tempfile.gettempdir(), "code-run-")) and not Path(cwd).exists()


def test_six_runs_at_once_each_get_their_own_result() -> None:
    results: dict[int, RunResult] = {}

    def one(n: int) -> None:
        code = f"print({n})\ndef add(a, b):\n    return a + b + {n}\n"
        results[n] = run_python(code, [PythonTest(name="n", call="add(0, 0)", expected=str(n))], 3000)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {n: (r.passed, r.stdout) for n, r in results.items()} == {n: (1, f"{n}\n") for n in range(6)}


def test_check_expressions_names_what_does_not_parse() -> None:
    tests = [*ADD_TESTS, PythonTest(name="bad", call="add(1,", expected="import os")]
    problems = check_expressions(tests)
    assert [(p.test, p.field) for p in problems] == [("bad", "call"), ("bad", "expected")]
    assert problems[0].message.startswith("not a Python expression")


def test_check_reference_says_which_tests_a_reference_fails() -> None:
    assert check_reference(ADD, ADD_TESTS, LIMIT_MS) == []
    wrong = [*ADD_TESTS, PythonTest(name="wrong", call="add(1, 1)", expected="3")]
    assert [r.name for r in check_reference(ADD, wrong, LIMIT_MS)] == ["wrong"]
    broken = [PythonTest(name="broken", call="add(1, 1)", expected="1/0")]
    failed = check_reference(ADD, broken, LIMIT_MS)
    assert "the question's expected value failed" in (failed[0].error or "")


# -- attacks -----------------------------------------------------------------------------------------------


def test_an_infinite_loop_times_out_and_the_rest_do_not_run() -> None:
    code = "def f():\n    while True:\n        pass\n" + G
    result, elapsed = timed(code)
    assert result.timed_out
    assert errors(result) == ["timed out", "not run: time limit"]
    assert elapsed >= LIMIT_MS / 1000


def test_a_loop_while_loading_reports_every_test_not_run() -> None:
    result, _ = timed("while True:\n    pass\n")
    assert result.timed_out and errors(result) == ["not run: time limit"] * 2
    assert result.error is not None and "time limit" in result.error


def test_a_fork_bomb_is_held_by_the_process_limit() -> None:
    code = (
        "import os, time\n"
        "def f():\n"
        "    for _ in range(10_000):\n"
        "        try:\n"
        "            if os.fork() == 0:\n"
        "                time.sleep(60)\n"
        "                os._exit(0)\n"
        "        except OSError as exc:\n"
        "            return type(exc).__name__\n"
        "    return 'unbounded'\n"
    ) + G
    result, _ = timed(code, limit_ms=3000)
    if isolation() != "namespace" and os.geteuid() == 0:
        # RLIMIT_NPROC does not apply to root, and only the namespace mode runs the code as another uid:
        # the bomb lasts until the time limit, then the PID namespace goes with everything in it
        assert result.results[0].error == "timed out" or result.results[0].actual == "'unbounded'", result
        return
    assert result.results[0].actual == "'BlockingIOError'", result
    assert result.results[1].passed


def test_a_2_gb_allocation_hits_the_memory_limit() -> None:
    code = "def f():\n    block = bytearray(2 * 1024 ** 3)\n    return len(block)\n" + G
    result, _ = timed(code)
    assert errors(result) == ["memory limit exceeded (MemoryError)", None]


def test_a_1_gb_file_write_hits_the_file_size_limit() -> None:
    code = (
        "def f():\n    with open('big', 'wb') as out:\n        for _ in range(1024):\n"
        "            out.write(b'x' * 1024 * 1024)\n"
    ) + G
    result, _ = timed(code)
    assert (result.results[0].error or "").startswith("file size limit exceeded")
    assert "File too large" in (result.results[0].error or "")
    assert result.results[1].passed


def test_many_files_fill_only_a_small_private_tmpfs() -> None:
    code = (
        "import os\n"
        "def f():\n"
        "    for n in range(1000):\n"
        "        with open(f'/tmp/fill{n}', 'wb') as out:\n"
        "            out.write(b'x' * 1000 * 1000)\n"
    ) + G
    result, _ = timed(code, limit_ms=3000)
    if isolation() in ("namespace", "user-namespace"):
        assert "No space left on device" in (result.results[0].error or ""), result
    assert not list(Path("/tmp").glob("fill*"))


def test_100_mb_of_output_is_cut() -> None:
    code = "import sys\ndef f():\n    for _ in range(1600):\n        sys.stdout.write('x' * 65536)\n" + G
    result, _ = timed(code)
    assert errors(result) == ["output limit exceeded", "not run: output limit"]
    assert len(result.stdout) == STDOUT_CAP and result.stdout_truncated


def test_fake_result_lines_in_the_output_change_nothing() -> None:
    code = (
        'print(\'{"event": "result", "i": 1, "repr": "2"}\')\n'
        "def f():\n    return 0\n"
        "def g():\n    return 0\n"
    )
    result, _ = timed(code)
    assert result.passed == 0


@pytest.mark.parametrize("port", [8000, "listening"])
def test_no_connection_to_the_local_machine(port: int | str) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        target = server.getsockname()[1] if port == "listening" else port
        code = (
            "import socket\n"
            "def f():\n"
            f"    socket.create_connection(('127.0.0.1', {target}), timeout=0.5)\n"
            "    return 'connected'\n"
            "def g():\n"
            "    socket.create_connection(('1.1.1.1', 443), timeout=0.5)\n"
            "    return 'connected'\n"
        )
        result, _ = timed(code)
    assert [r.actual for r in result.results] == [None, None], result
    assert all("OSError" in (e or "") or "Error" in (e or "") for e in errors(result)), errors(result)


def test_killing_the_parent_or_every_visible_process_leaves_this_process_running() -> None:
    code = (
        "import os, signal\n"
        "def f():\n"
        "    killed = []\n"
        "    for target in [os.getppid()] + [int(p) for p in os.listdir('/proc') if p.isdigit()]:\n"
        "        if target != os.getpid():\n"
        "            try:\n"
        "                os.kill(target, signal.SIGKILL)\n"
        "                killed.append(target)\n"
        "            except OSError:\n"
        "                pass\n"
        "    return 1\n"
    ) + G
    result, _ = timed(code)
    assert result.passed == 2, result  # and we are still here: the autouse fixture runs again


def test_an_escaped_daemon_is_killed_with_the_run() -> None:
    code = (
        "import os\n"
        "def f():\n"
        "    if os.fork() == 0:\n"
        "        os.setsid()\n"
        "        if os.fork() == 0:\n"
        "            os.execv('/bin/sleep', ['sleep', '4242.4242'])\n"
        "        os._exit(0)\n"
        "    return 1\n"
    ) + G
    result, _ = timed(code)
    assert result.passed == 2, result  # the fixture checks no `sleep 4242.4242` is left


def test_sys_exit_while_loading_and_in_a_call() -> None:
    result, _ = timed("import sys\nsys.exit(3)\n")
    assert result.error is not None and "SystemExit: 3" in result.error
    assert errors(result) == [result.error] * 2
    result, _ = timed("import sys\ndef f():\n    sys.exit(0)\n" + G)
    assert "SystemExit" in (result.results[0].error or "") and result.results[1].passed


def test_os_exit_ends_the_run_with_a_clear_result() -> None:
    result, _ = timed("import os\ndef f():\n    os._exit(0)\n" + G)
    assert errors(result) == ["the process exited (status 0)", "not run: the process exited (status 0)"]


def test_a_syntax_error_names_the_line() -> None:
    result, _ = timed("def f(:\n    return 1\n")
    assert result.error is not None and 'File "solution.py", line 1' in result.error
    assert "SyntaxError" in result.error and result.passed == 0


def test_unbounded_recursion() -> None:
    result, _ = timed("def f():\n    return f()\n" + G)
    error = result.results[0].error or ""
    assert "RecursionError" in error and len(error) <= 2_100
    assert result.results[1].passed


def test_unbounded_recursion_with_the_limit_raised() -> None:
    code = "import sys\nsys.setrecursionlimit(10 ** 8)\ndef f(n=0):\n    return f(n + 1)\n" + G
    result, _ = timed(code, limit_ms=3000)
    error = result.results[0].error or ""
    assert "memory limit exceeded" in error or "crashed" in error or "Recursion" in error, result


def test_no_isolation_refuses_to_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "isolation", lambda: None)
    with pytest.raises(SandboxUnavailable, match="without network"):
        run_python(ADD, ADD_TESTS)


def test_vpc_is_chosen_only_when_the_deployment_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "_works", lambda mode: False)
    monkeypatch.setattr(sandbox, "_guard_parent", lambda: None)
    try:
        sandbox.isolation.cache_clear()
        monkeypatch.delenv("CODE_RUNNER_NETWORK", raising=False)
        assert sandbox.isolation() is None
        sandbox.isolation.cache_clear()
        monkeypatch.setenv("CODE_RUNNER_NETWORK", "vpc")
        assert sandbox.isolation() == "vpc"
    finally:
        monkeypatch.undo()
        sandbox.isolation.cache_clear()  # probed again, for real, by the next run


# -- SQL ---------------------------------------------------------------------------------------------------

SCHEMA = (
    "CREATE TABLE staff(id INTEGER PRIMARY KEY, name TEXT, team TEXT, salary REAL);"
    "INSERT INTO staff VALUES (1, 'ada', 'core', 10.5), (2, 'bob', 'web', 8), (3, 'cy', 'core', 9);"
)
SQL_TESTS = [
    SqlTest(name="any order", expected_rows=[["core", 2], ["web", 1]], visible=True),
    SqlTest(name="ordered", expected_rows=[["core", 2], ["web", 1]], ordered=True),
    SqlTest(
        name="hidden data",
        setup="INSERT INTO staff VALUES (4, 'di', 'ops', 7);",
        expected_rows=[["ops", 1], ["core", 2], ["web", 1]],
    ),
]


def sql(query: str, tests: list[SqlTest] = SQL_TESTS, limit_ms: int = 3 * LIMIT_MS) -> RunResult:
    start = time.monotonic()
    result = run_sql(SCHEMA, query, tests, limit_ms)
    assert time.monotonic() - start < limit_ms / 1000 + SLACK_S
    return result


def test_a_correct_query_passes_and_order_counts_only_when_asked() -> None:
    result = sql("SELECT team, count(*) FROM staff GROUP BY team ORDER BY team")
    assert (result.passed, result.total) == (3, 3), result
    result = sql("SELECT team, count(*) FROM staff GROUP BY team ORDER BY team DESC")
    assert [r.passed for r in result.results] == [True, False, True]
    assert result.results[1].actual == '[["web", 1], ["core", 2]]'
    assert check_reference_sql(SCHEMA, "SELECT team, count(*) FROM staff GROUP BY team", SQL_TESTS[:1]) == []


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("ATTACH DATABASE '/tmp/other.db' AS other", "not authorized"),
        ("SELECT load_extension('/tmp/evil.so')", "not authorized"),
        ("SELECT 1; DROP TABLE staff", "must be one query"),
        ("DELETE FROM staff", "not authorized"),
        ("PRAGMA table_info(staff)", "not authorized"),
        ("SELEC team FROM staff", "syntax error"),
        (
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
            "step limit exceeded",
        ),
    ],
    ids=["attach", "load_extension", "two statements", "write", "pragma", "syntax", "endless recursive CTE"],
)
def test_sql_that_is_refused(query: str, error: str) -> None:
    result = sql(query)
    assert result.passed == 0 and not result.timed_out
    assert all(error in (e or "") for e in errors(result)), errors(result)
    assert not Path("/tmp/other.db").exists()


def test_an_attach_in_the_schema_is_refused_too() -> None:
    result = run_sql(
        "ATTACH DATABASE '/tmp/other.db' AS other", "SELECT 1", [SqlTest(name="a", expected_rows=[[1]])]
    )
    assert "the question's schema failed: not authorized" in (result.results[0].error or "")
