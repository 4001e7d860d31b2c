"""A function's init, as Lambda runs it: every functions/*/app.py imports this module first.

Init allocates most of what the process will ever hold (modules, botocore's service models, pydantic's
schemas, FastAPI's routes), and each allocation burst makes the garbage collector walk all of it again:
~100 ms of CPU on a cold start here, for almost no garbage. So the collector rests until `ready`, which
freezes what init built (later full collections, and the one at exit, skip it) and starts it again.
"""

import gc
import sys

gc.disable()

# FastAPI refuses pydantic v1 models, and imports pydantic.v1 (~20 ms) on the first route with a parameter
# only to recognise one. This code has none, so the module is marked absent and the check answers no.
sys.modules.setdefault("pydantic.v1", None)  # type: ignore[arg-type]


def ready[T](handler: T) -> T:
    """Init is over: the function's handler, with garbage collection running again."""
    gc.freeze()
    gc.enable()
    return handler
