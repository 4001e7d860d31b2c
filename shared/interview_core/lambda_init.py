"""A function's init, as Lambda runs it: every functions/*/app.py imports this module first.

Init allocates most of what the process will ever hold (modules, botocore's service models, pydantic's
schemas, FastAPI's routes), and each allocation burst makes the garbage collector walk all of it again:
~100 ms of CPU on a cold start here, for almost no garbage. So the collector rests until `ready`, which
freezes what init built (later full collections, and the one at exit, skip it) and starts it again.
"""

import gc

gc.disable()


def ready[T](handler: T) -> T:
    """Init is over: the function's handler, with garbage collection running again."""
    gc.freeze()
    gc.enable()
    return handler
