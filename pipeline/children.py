"""The run's child Python processes (the source readers, the validation process): started clean, they
talk pickle over their stdin and stdout, leave Ctrl-C to the run, and end when the run is gone.

A plain subprocess, not multiprocessing: it does not re-import the caller's main script (a user's
script without a ``__main__`` guard works), and it inherits no other process's pipes, so each child
sees the end of its input when the run closes it. On Linux the kernel also kills a child the moment
its parent dies (even kill -9); elsewhere a watchdog thread notices within a second.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

_PARENT = "DIGITAL_CITY_PIPELINE_PARENT"
_HEADER = struct.Struct(">Q")


def start(code: str) -> subprocess.Popen:
    """A child Python running ``code`` (which calls ``serving()`` first), with pipes to its stdin and
    stdout; its stderr is the run's. ``-P``: the folder the run was started in does not come first on
    the child's path, so a ``pipeline`` folder there (another project's) cannot stand in for this one."""
    root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p))
    env[_PARENT] = str(os.getpid())
    return subprocess.Popen([sys.executable, "-P", "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                            bufsize=0)


def serving():
    """In a child: end with the parent, ignore Ctrl-C (the parent stops its children), send what
    libraries print to stderr. Returns (requests, answers), the binary streams to read and write."""
    parent = int(os.environ.get(_PARENT, "0"))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with(parent)
    answers, sys.stdout = sys.stdout.buffer, sys.stderr
    return sys.stdin.buffer, answers


def _die_with(parent: int) -> None:
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: killed when the parent dies
    else:
        import threading
        import time

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if parent and os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def send(stream, value) -> None:
    """One message: its length, then its pickle."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:  # an unbuffered pipe may take part of it at a time
        view = view[stream.write(view):]
    stream.flush()


def receive(stream):
    """The next message; EOFError when the other side is gone."""
    size, = _HEADER.unpack(_exactly(stream, _HEADER.size))
    return pickle.loads(_exactly(stream, size))


def _exactly(stream, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = stream.read(min(left, 1 << 24))
        if not chunk:
            raise EOFError("the other process ended")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def stop(process: subprocess.Popen | None) -> None:
    """Kill a child and close its pipes; safe to call twice."""
    if process is None:
        return
    if process.poll() is None:
        process.kill()
    process.wait()
    for stream in (process.stdin, process.stdout):
        try:
            stream.close()
        except OSError:  # bytes a dead child never read: nothing to flush them to
            pass


class Stopped(BaseException):
    """The run was asked to stop (SIGTERM, SIGHUP): raised where it was, so every child is stopped and
    no half-written output is switched in."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextmanager
def stop_on_signals():
    """SIGTERM and SIGHUP stop the run the way Ctrl-C does (an exception, so cleanup runs), instead of
    ending it at once with its children left to the watchdogs."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [s for s in (signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None]

    def raise_stopped(signum, _frame):
        raise Stopped(signum)

    previous = {s: signal.signal(s, raise_stopped) for s in wanted}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@contextmanager
def signals_held():
    """Ctrl-C and SIGTERM wait until the block is done (switching the new output in, a few renames)."""
    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
