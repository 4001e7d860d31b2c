"""Lambda SnapStart: nothing random, connected or secret is shared by the copies restored from one snapshot.

With SnapStart (template.yaml's EnableSnapStart), Lambda runs a version's init once, snapshots the microVM,
and resumes every new execution environment from that snapshot. Whatever init left in memory is then the
same in all of them: the state of `random` (seeded from os.urandom when it was imported), AWS clients with
their connection pools and resolved credentials, secrets read from SSM and the clients built with them,
warm caches timed with a clock the snapshot froze, metrics and log keys buffered by Powertools.

`refresh()` runs after every restore and forgets all of that; everything is rebuilt on first use, as on a
cold start. It touches only modules that are already imported, so it never imports anything itself (the
restore is billed and bounded to 10 s). `os.urandom`, `secrets` and `uuid.uuid4` read the kernel's entropy
and need nothing.

The hooks register with `snapshot_restore_py`, which Lambda's managed Python runtimes ship, when it can be
imported, and always with a local registry: `run_after_restore()` drives that registry, which is how the
tests simulate a restore (and how code outside Lambda could). Importing this module is cheap: the standard
library's `random` and `sys` only. `interview_core/__init__.py` imports it, so every function registers.
"""

import os
import random
import sys
from collections.abc import Callable
from typing import Any

_before_snapshot: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = []
_after_restore: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = []

try:  # Lambda's Python runtimes (3.12 and later) ship it; elsewhere only the local registry exists
    import snapshot_restore_py as _runtime
except ImportError:  # pragma: no cover - depends on where this runs
    _runtime = None


def snapshot_init() -> bool:
    """This init is the one Lambda snapshots (a version's, with SnapStart on): it runs once, and every copy
    restored from it starts with what it built."""
    return os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") == "snap-start"


def runtime_hooks() -> bool:
    """True where Lambda's own registry (snapshot_restore_py) receives the hooks."""
    return _runtime is not None


def register_before_snapshot[F: Callable[..., Any]](func: F, *args: Any, **kwargs: Any) -> F:
    """As snapshot_restore_py's: runs before the snapshot, hooks in reverse order of registration."""
    _before_snapshot.append((func, args, kwargs))
    if _runtime is not None:
        _runtime.register_before_snapshot(func, *args, **kwargs)
    return func


def register_after_restore[F: Callable[..., Any]](func: F, *args: Any, **kwargs: Any) -> F:
    """As snapshot_restore_py's: runs after each restore, hooks in order of registration."""
    _after_restore.append((func, args, kwargs))
    if _runtime is not None:
        _runtime.register_after_restore(func, *args, **kwargs)
    return func


def run_before_snapshot() -> None:
    """What Lambda does before it takes the snapshot, for the local registry."""
    for func, args, kwargs in reversed(_before_snapshot):
        func(*args, **kwargs)


def run_after_restore() -> None:
    """What Lambda does when it resumes a copy from the snapshot, for the local registry."""
    for func, args, kwargs in _after_restore:
        func(*args, **kwargs)


def _loaded(name: str) -> Any:
    return sys.modules.get(name)


def forget_connections() -> None:
    """Clients, their connections and credentials, secrets and the services holding them: rebuilt on use.

    Not wiring.reset(): it imports what it resets, and a restore must not import (nor pay for) boto3 in a
    function that never loaded it."""
    if wiring := _loaded("interview_core.wiring"):
        for built in vars(wiring).values():  # the services it built, their clocked key and quota caches
            if getattr(built, "__module__", None) == wiring.__name__ and hasattr(built, "cache_clear"):
                built.cache_clear()
    for name, reset in (
        ("interview_core.aws", "reset_clients"),  # boto3 clients: pooled sockets, resolved credentials
        ("interview_core.providers.factory", "reset"),  # OpenAI clients (key, HTTP pool), offline rng
    ):
        if module := _loaded(name):
            getattr(module, reset)()
    if settings := _loaded("interview_core.settings"):
        settings.get_settings.cache_clear()
    if parameters := _loaded("aws_lambda_powertools.utilities.parameters.base"):
        parameters.clear_caches()  # SSM values (OpenAI key, LiveKit secret) and the provider's SSM client


def forget_buffers() -> None:
    """Metrics and log keys buffered during init would be emitted once by every copy."""
    if observability := _loaded("interview_core.observability"):
        observability.metrics.clear_metrics()
        observability.logger.clear_state()


def refresh() -> None:
    """After a restore: fresh random state, connections, credentials and secrets, empty buffers."""
    random.seed()  # the module's generator (DynamoDB counter and quota shards, SDK retry jitter)
    forget_connections()
    forget_buffers()


def before_snapshot() -> None:
    """No open socket or buffered metric is written into the snapshot."""
    forget_connections()
    forget_buffers()


_registered = False


def install() -> None:
    """Registers the hooks once per process (idempotent)."""
    global _registered
    if not _registered:
        _registered = True
        register_before_snapshot(before_snapshot)
        register_after_restore(refresh)
