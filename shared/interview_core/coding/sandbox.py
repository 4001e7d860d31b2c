"""The process a run of untrusted code gets, and what the parent reads back from it.

Every run is a fresh child: `python -I -S -c <harness.py>` (no site, no environment variables read, the
standard library only) started with an empty environment (the harness clears even what the shell and the
interpreter add), in a fresh temporary directory removed afterwards, in a new session whose whole process
group is killed (SIGKILL) when the run ends. Its payload (the code and the test calls, never the expected
values) arrives on stdin, which the harness replaces with /dev/null before the candidate's code runs. What
the code prints (stdout and stderr, one pipe) is read with a cap: STDOUT_CAP bytes are kept, and past
OUTPUT_KILL bytes the run is killed. The harness reports on a separate pipe (the frame channel), so printing
cannot break the parent's parsing; the frames are capped too. At most CONCURRENCY runs at once per process.

Isolation, chosen once per process (`isolation()`), strongest first:

- "namespace" (root, `unshare` works): new network namespace (only a down loopback: no connection to
  127.0.0.1 or anywhere), new PID namespace with its own /proc (the child sees no other process, cannot
  signal the parent, and when the harness, its PID 1, dies the kernel kills everything it started, even what
  left the process group), new mount namespace (one `mount -a` of a table written per run) with small
  private tmpfs on /tmp, /var/tmp, /dev/shm and the run directory (nothing written outlives the run or fills
  the disk) and empty ones over /root, /home, /run (sockets), /mnt, /media, /srv, /opt and the repository and
  its parent directory (the interpreter's own directory is mounted back). `setsid`, then `setpriv` drops to
  a uid of this run's own (1 900 000 000 + random; no groups, no capabilities, no new privileges):
  RLIMIT_NPROC counts processes per uid across the machine and does not apply to root, so a uid per run is
  what makes the process limit hold, without concurrent runs starving each other.
- "user-namespace" (not root, unprivileged user namespaces allowed): the same namespaces and mounts via
  `unshare --user --map-root-user`, capabilities dropped; the uid is the parent's, so RLIMIT_NPROC counts the
  parent user's processes too (and, run as root, does not hold: a fork bomb lasts until the time limit).
- "bwrap" (bubblewrap installed and working): network, PID, IPC, UTS namespaces, read-only root, private
  /tmp, /var/tmp, /dev/shm, the same directories hidden, a new session, capabilities dropped (RLIMIT_NPROC
  as in user-namespace).
- "vpc": none of these work but CODE_RUNNER_NETWORK=vpc says the deployment has no network route (the Lambda
  function in a VPC without egress). The child is a plain subprocess with the limits below, as `nobody` if
  the parent is root, else as the parent's uid: then it can signal the parent and read what the parent's
  uid can read. So the function that runs it must hold no secret worth reading (a role that can do nothing;
  results go back in the response), and the parent is made non-dumpable so /proc/<parent>/environ and its
  memory are not readable by the child. The parent is also the subreaper of what its runs start and, after
  each run, kills what a run left behind (a process that called setsid and lost its parent), which would
  otherwise live on beside the next runs. The network namespace is the function's own, where 127.0.0.1
  serves Lambda's runtime API, so the harness installs a seccomp filter before any untrusted code runs:
  socket() and io_uring fail with EPERM (harness.deny_sockets; x86_64 only, and a run that cannot install
  it never starts).
Otherwise `SandboxUnavailable` is raised: code never runs with the network. CODE_RUNNER_ISOLATION=<mode>
allows only that mode (to test each one on one machine).

Resource limits (set by the harness on itself before any untrusted code runs): CPU seconds (the time limit
plus two: a busy loop that outlives the wall-clock kill), address space (256 MB: a 2 GB allocation raises
MemoryError), file size (1 MB, with SIGXFSZ ignored so the write fails with EFBIG), processes (32), open
files (64), core files (0). A wall-clock deadline (the time limit from the harness's `ready`, plus a grace
for starting) kills the process group; `timeout -s KILL` around the whole chain kills it even if the
parent itself dies, and `--pdeathsig KILL` ties the harness to `unshare`.

What the candidate's code can do to the frame channel: it runs in the harness's interpreter, so it can write
frames, patch the harness, or close the pipe. It can therefore forge the *actual* value of a test, which is
worth no more than returning that value: whether a test passes is decided in the parent, against expected
values the child is never given (the hidden ones never enter a process that runs candidate code). Closing or
corrupting the channel only makes the candidate's own tests fail. The first `ready` (sent before any
candidate code) starts the time limit, later ones change nothing; the first `result` per test counts;
malformed lines are dropped. Frames are plain fields with hex-encoded texts, never unpickled or unmarshalled.
"""

import contextlib
import ctypes
import marshal
import os
import secrets
import selectors
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from interview_core.coding.models import STDOUT_CAP

HARNESS = (Path(__file__).with_name("harness.py")).read_text()
OUTPUT_KILL = 1024 * 1024  # bytes printed after which the run is killed ("output limit exceeded")
START_GRACE_S = 2.0  # from launch to the harness's `ready` (the interpreter starting), on top of the limit
READ_CHUNK = 65_536
UID_BASE = 1_900_000_000
UID_SPAN = 100_000_000
NOBODY = 65534
MODES = ("namespace", "user-namespace", "bwrap")
FSTAB = ".mounts"
HIDDEN = ("/root", "/home", "/run", "/mnt", "/media", "/srv", "/opt")
CONCURRENCY = int(os.environ.get("CODE_RUNNER_CONCURRENCY", "0") or 0) or max(2, os.cpu_count() or 2)
BUSY_WAIT_S = 30.0

_slots = threading.BoundedSemaphore(CONCURRENCY)


class SandboxError(RuntimeError):
    """The sandbox itself failed (not the candidate's code): the run has no result."""


class SandboxUnavailable(SandboxError):
    """No way to run code without network on this machine, and the deployment does not say it has none."""


class SandboxBusy(SandboxError):
    """Every slot stayed taken for BUSY_WAIT_S."""


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int
    address_space: int = 256 * 1024 * 1024
    file_size: int = 1024 * 1024
    processes: int = 32
    open_files: int = 64

    def rlimits(self) -> dict[str, int]:
        return {
            "RLIMIT_CPU": self.cpu_seconds,
            "RLIMIT_AS": self.address_space,
            "RLIMIT_FSIZE": self.file_size,
            "RLIMIT_NPROC": self.processes,
            "RLIMIT_NOFILE": self.open_files,
            "RLIMIT_CORE": 0,
        }


@dataclass(frozen=True)
class Reported:
    """One test's `result` frame: the value's text (a repr, or JSON rows), the error, the milliseconds."""

    value: str | None
    error: str | None
    ms: float


@dataclass
class ChildRun:
    """What one child reported (possibly forged by the code, see the module docstring): `results` holds
    the first result frame per test index."""

    results: dict[int, Reported] = field(default_factory=dict)
    started: int | None = None  # the last test index with a `start` frame
    stdout: bytes = b""
    stdout_truncated: bool = False
    timed_out: bool = False
    output_exceeded: bool = False
    returncode: int | None = None
    ready: bool = False
    done: bool = False
    load_error: str | None = None
    loaded: bool = False

    def exit_cause(self) -> str:
        """Why the process ended before reporting everything, in words for the candidate."""
        if self.timed_out:
            return "time limit"
        if self.output_exceeded:
            return "output limit"
        rc = self.returncode
        sig = -rc if rc is not None and rc < 0 else (rc - 128 if rc is not None and 128 < rc < 160 else None)
        if sig is not None:
            name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else f"signal {sig}"
            if sig == signal.SIGXCPU:
                return "CPU time limit exceeded"
            if sig == signal.SIGXFSZ:
                return "file size limit exceeded"
            if sig in (signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS):
                return f"the process crashed ({name}; memory limit exceeded or stack overflow)"
            return f"the process was killed ({name})"
        return f"the process exited (status {rc})"

    def missing(self, i: int) -> str:
        """Why test `i` has no result."""
        if i == self.started:
            if self.timed_out:
                return "timed out"
            if self.output_exceeded:
                return "output limit exceeded"
            return self.exit_cause()
        return "not run: " + self.exit_cause()


# -- isolation ---------------------------------------------------------------------------------------------


def _python() -> str:
    return os.path.realpath(sys.executable)


def _repository() -> list[str]:
    root = Path(__file__).resolve().parents[3]
    if not (root / "pyproject.toml").exists():
        return []
    return [str(root)] + ([str(root.parent)] if root.parent != Path("/") else [])


def _uid_range_mapped() -> bool:
    try:
        lines = Path("/proc/self/uid_map").read_text().split("\n")
    except OSError:
        return False
    for line in lines:
        parts = line.split()
        if len(parts) == 3:
            inside, _, count = (int(p) for p in parts)
            if inside <= UID_BASE and inside + count >= UID_BASE + UID_SPAN:
                return True
    return False


def _hidden() -> tuple[list[str], list[str]]:
    """The directories covered by an empty tmpfs, and the interpreter's directory when it is under one."""
    prefix = os.path.realpath(sys.base_prefix)
    hidden = [h for h in (*HIDDEN, *_repository()) if os.path.isdir(h) and not os.path.islink(h)]
    keep = [prefix] if any(prefix == h or prefix.startswith(h + "/") for h in hidden) else []
    return hidden, keep


def _fstab_path(path: str) -> str:
    return path.replace("\\", "\\134").replace(" ", "\\040").replace("\t", "\\011").replace("\n", "\\012")


def _fstab(run_dir: str, uid: int | None) -> str:
    """The mounts of the new mount namespace, in order, for one `mount -a` (one process, not one per mount):
    a private /tmp, the interpreter's directory kept aside, empty tmpfs over the hidden directories, the
    interpreter put back, small /var/tmp and /dev/shm, and the run directory as a tmpfs of its own owned by
    the run's uid. `mount` reads the whole table first, so the table may sit in the run directory."""
    hidden, keep = _hidden()
    q = _fstab_path
    rows = ["tmpfs /tmp tmpfs size=16m,mode=1777"]
    rows += [f"{q(path)} /tmp/.keep{i} none rbind,X-mount.mkdir" for i, path in enumerate(keep)]
    rows += [f"tmpfs {q(h)} tmpfs size=1m,mode=755" for h in hidden]
    rows += [f"/tmp/.keep{i} {q(path)} none rbind,X-mount.mkdir" for i, path in enumerate(keep)]
    rows += [f"tmpfs {p} tmpfs size=1m,mode=1777" for p in ("/var/tmp", "/dev/shm") if os.path.isdir(p)]
    owner = "" if uid is None else f",uid={uid},gid={uid}"
    rows.append(f"tmpfs {q(run_dir)} tmpfs size=16m,mode=700{owner},X-mount.mkdir")
    return "".join(f"{row} 0 0\n" for row in rows)


def _shell(run_dir: str, uid: int | None) -> str:
    """What runs as root of the new namespaces: the mounts, then exec the harness as `uid` (None: stay the
    namespace's root), with no capabilities and no way to gain privileges."""
    q = shlex.quote
    who = "" if uid is None else f"--reuid {uid} --regid {uid} --clear-groups "
    drop = "--no-new-privs --bounding-set=-all --inh-caps=-all --pdeathsig KILL"
    fstab = q(os.path.join(run_dir, FSTAB))
    # setsid: a kill(0) (what os.kill(os.getppid()) is as PID 1 of a namespace) reaches only the run itself
    python = f'{q(_python())} -I -S -c "$1"'
    return f"mount -a -T {fstab} && cd {q(run_dir)} && exec setsid setpriv {who}{drop} -- {python}"


def _argv(mode: str, run_dir: str, source: str) -> list[str]:
    """The command for one run; for the namespace modes it writes the mount table into `run_dir`."""
    python = [_python(), "-I", "-S", "-c", source]
    if mode in ("namespace", "user-namespace"):
        uid = None
        unshare = ["unshare", "--net", "--pid", "--fork", "--mount-proc", "--kill-child"]
        if mode == "namespace":
            uid = UID_BASE + secrets.randbelow(UID_SPAN) if _uid_range_mapped() else NOBODY
        else:
            unshare[1:1] = ["--user", "--map-root-user"]
        Path(run_dir, FSTAB).write_text(_fstab(run_dir, uid))
        return [*unshare, "--", "/bin/sh", "-c", _shell(run_dir, uid), "sh", source]
    if mode == "bwrap":
        hidden, keep = _hidden()
        bind = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
        bind += ["--tmpfs", "/var/tmp", "--tmpfs", "/dev/shm"]
        for path in hidden:
            bind += ["--tmpfs", path]
        for path in keep:  # bind sources are read from the real root, under the tmpfs just mounted
            bind += ["--ro-bind", path, path]
        bind += ["--dir", run_dir, "--chdir", run_dir]
        spaces = ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent"]
        spaces.append("--new-session")
        return ["bwrap", *spaces, *bind, "--cap-drop", "ALL", "--", *python]
    return python


def _works(mode: str) -> bool:
    if mode == "namespace" and os.geteuid() != 0:
        return False
    if not shutil.which({"namespace": "unshare", "user-namespace": "unshare", "bwrap": "bwrap"}[mode]):
        return False
    run_dir = tempfile.mkdtemp(prefix="code-probe-")
    try:
        argv = _argv(mode, run_dir, "import os; os.chdir('/')")
        done = subprocess.run(argv, env={}, cwd=run_dir, capture_output=True, timeout=10, check=False)
        return done.returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


@cache
def isolation() -> str | None:
    """How runs are isolated on this machine (see the module docstring), or None when code cannot run here.
    Probed once per process; CODE_RUNNER_ISOLATION=<mode> allows only that mode (to test each one)."""
    forced = os.environ.get("CODE_RUNNER_ISOLATION", "").strip()
    for mode in MODES:
        if (not forced or forced == mode) and _works(mode):
            return mode
    if os.environ.get("CODE_RUNNER_NETWORK", "").strip().lower() == "vpc":
        _guard_parent()
        return "vpc"
    return None


def network_isolated() -> bool:
    """Whether code can run here without the network (namespaces, or a deployment that says it has none)."""
    return isolation() is not None


def _guard_parent() -> None:
    """In the plain mode the child shares the parent's uid. Non-dumpable: else it could read the parent's
    /proc/<pid>/environ (the Lambda role's credentials) and memory. A subreaper: a process that left its
    run (setsid) and lost its parent becomes this process's child, so _reap_strays finds it after the run;
    else it would live on in the function, beside the next runs (same uid: it could read their /proc)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, 0
        libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER, 1
    except (OSError, AttributeError):
        pass


_launched: set[int] = set()  # the runs' own children (not strays), guarded by _launch_lock
_launch_lock = threading.Lock()
STRAY_ROUNDS = 10  # a stray that forks while it is killed comes back as a child: look again, this often


def _children() -> list[int]:
    """This process's children, from /proc (a stat line: pid (comm) state ppid ...)."""
    me, found = os.getpid(), []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path("/proc", entry, "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rfind(")") + 2 :].split()
            if len(fields) > 1 and fields[1] == str(me):
                found.append(int(entry))
    return found


def _reap_strays() -> None:
    """Kill (and reap) every child of this process that is not a run in progress: in "vpc" mode, the
    processes runs left behind, which the subreaper flag brought back here."""
    with _launch_lock:  # no run starts meanwhile, so its child cannot be taken for a stray
        for _ in range(STRAY_ROUNDS):
            strays = [pid for pid in _children() if pid not in _launched]
            if not strays:
                return
            for pid in strays:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, 0)


# -- one run ----------------------------------------------------------------------------------------------


def run_child(payload: dict[str, Any], time_limit_ms: int, frames_cap: int) -> ChildRun:
    """Run the harness on `payload` (its "mode" and fields, see harness.py) under the isolation of this
    machine; return what it reported. Raises SandboxUnavailable, SandboxBusy, or SandboxError when the
    child never became ready (the sandbox failed, not the code)."""
    mode = isolation()
    if mode is None:
        raise SandboxUnavailable(
            "code cannot run here without network access: `unshare` (as root or with user namespaces) and "
            "bubblewrap do not work; set CODE_RUNNER_NETWORK=vpc only where the deployment has no network route"
        )
    if not _slots.acquire(timeout=BUSY_WAIT_S):
        raise SandboxBusy(f"{CONCURRENCY} runs in progress for {BUSY_WAIT_S:.0f} s")
    try:
        return _run(mode, payload, time_limit_ms, frames_cap)
    finally:
        _slots.release()


def _run(mode: str, payload: dict[str, Any], time_limit_ms: int, frames_cap: int) -> ChildRun:
    limit_s = time_limit_ms / 1000
    limits = Limits(cpu_seconds=int(limit_s) + 2)
    run_dir = tempfile.mkdtemp(prefix="code-run-")
    frame_r, frame_w = os.pipe()
    out = ChildRun()
    proc: subprocess.Popen[bytes] | None = None
    try:
        # without namespaces nothing else keeps the code off the loopback network: the harness's filter does
        data = marshal.dumps(
            {**payload, "fd": frame_w, "limits": limits.rlimits(), "deny_sockets": mode == "vpc"}
        )
        argv = _argv(mode, run_dir, HARNESS)
        if shutil.which("timeout"):  # kills the chain even if this process dies mid-run
            argv = ["timeout", "-s", "KILL", str(int(limit_s + START_GRACE_S + 3)), *argv]
        drop: dict[str, Any] = {}
        if mode == "vpc" and os.geteuid() == 0:  # never run code as root, even without namespaces
            os.chown(run_dir, NOBODY, NOBODY)
            drop = {"user": NOBODY, "group": NOBODY, "extra_groups": []}
        with _launch_lock:
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env={},
                cwd=run_dir,
                start_new_session=True,
                pass_fds=(frame_w,),
                **drop,
            )
            _launched.add(proc.pid)
        os.close(frame_w)
        frame_w = -1
        _collect(proc, data, frame_r, out, limit_s, frames_cap)
    finally:
        if proc is not None:
            _kill(proc)
            out.returncode = proc.returncode if out.returncode is None else out.returncode
            with _launch_lock:
                _launched.discard(proc.pid)
            if mode == "vpc":
                _reap_strays()
        for fd in (frame_r, frame_w):
            if fd >= 0:
                os.close(fd)
        shutil.rmtree(run_dir, ignore_errors=True)
    if not out.ready:
        text = out.stdout.decode(errors="replace")[-2000:]
        raise SandboxError(f"the sandbox did not start ({mode}, exit {out.returncode}): {text}")
    return out


def _kill(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # before the wait: the group id cannot have been reused yet
    proc.wait()
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()


def _collect(
    proc: subprocess.Popen[bytes], data: bytes, frame_r: int, out: ChildRun, limit_s: float, frames_cap: int
) -> None:
    assert proc.stdin is not None and proc.stdout is not None
    stdin_fd, stdout_fd = proc.stdin.fileno(), proc.stdout.fileno()
    for fd in (stdin_fd, stdout_fd, frame_r):
        os.set_blocking(fd, False)
    deadline = time.monotonic() + limit_s + START_GRACE_S
    kept = bytearray()
    printed = 0
    frame_bytes = 0
    pending = b""
    with selectors.DefaultSelector() as sel:
        sel.register(stdin_fd, selectors.EVENT_WRITE)
        sel.register(stdout_fd, selectors.EVENT_READ)
        sel.register(frame_r, selectors.EVENT_READ)
        while len(sel.get_map()) > 0:
            left = deadline - time.monotonic()
            if left <= 0:
                out.timed_out = not out.done
                break
            for key, _ in sel.select(left):
                fd = int(key.fd)
                if fd == stdin_fd:
                    try:
                        data = data[os.write(fd, data[:READ_CHUNK]) :]
                    except BlockingIOError:
                        continue
                    except BrokenPipeError:
                        data = b""
                    if not data:
                        sel.unregister(fd)
                        proc.stdin.close()
                    continue
                try:
                    chunk = os.read(fd, READ_CHUNK)
                except BlockingIOError:
                    continue
                if not chunk:
                    sel.unregister(fd)
                    continue
                if fd == stdout_fd:
                    printed += len(chunk)
                    if len(kept) <= STDOUT_CAP:
                        kept += chunk[: STDOUT_CAP + 1 - len(kept)]
                    if printed > OUTPUT_KILL:
                        out.output_exceeded = True
                else:
                    frame_bytes += len(chunk)
                    if frame_bytes > frames_cap:
                        out.output_exceeded = True
                    *lines, pending = (pending + chunk).split(b"\n")
                    for line in lines:
                        was_ready, was_done = out.ready, out.done
                        _frame(out, line)
                        if out.ready and not was_ready:  # the time limit counts from here
                            deadline = time.monotonic() + limit_s
                        if out.done and not was_done:  # a process left holding the pipes is not waited for
                            deadline = min(deadline, time.monotonic() + 0.5)
            if out.output_exceeded:
                break
    if not out.timed_out and not out.output_exceeded:
        try:
            out.returncode = proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            out.timed_out = not out.done
    out.stdout_truncated = len(kept) > STDOUT_CAP
    out.stdout = bytes(kept[:STDOUT_CAP])


KINDS = {"ready", "loaded", "start", "result", "done"}


def _text(field: bytes) -> str | None:
    if field == b"-":
        return None
    try:
        return bytes.fromhex(field.decode("ascii")).decode("utf-8", errors="replace")
    except ValueError:
        return None


def _frame(out: ChildRun, line: bytes) -> None:
    """One line of the frame channel (harness.send); anything malformed is dropped."""
    parts = line.split(b" ")
    if len(parts) != 5:
        return
    try:
        kind, i, ms = parts[0].decode("ascii"), int(parts[1]), float(parts[2])
    except ValueError:
        return
    if kind not in KINDS:
        return
    value, error = _text(parts[3]), _text(parts[4])
    if kind == "ready":
        out.ready = True
    elif kind == "loaded" and not out.loaded and out.load_error is None:
        if error is not None:
            out.load_error = error
        else:
            out.loaded = True
    elif kind == "start" and i >= 0:
        out.started = i
    elif kind == "result" and i >= 0 and i not in out.results:
        out.results[i] = Reported(value, error, ms)
    elif kind == "done":
        out.done = True
