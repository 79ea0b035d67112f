"""Exclusive locks on files of the data directory, held across processes and threads (``filelock``).

The warehouse and the search index are written by CLI commands, the web's upload handler and the worker, perhaps at
once. A writer holds the lock of what it writes from the moment it reads its parent until it has published, so a
second writer waits and then starts from what the first published; nothing is overwritten. ``filelock`` uses
``flock`` where the file system has it and falls back to an exclusive-create lock file where it does not (some
network file systems), so the data directory may be on any of them. The lock is re-entrant within one thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from ipstrong.messages import IpsError, Msg

WAIT_S = 6 * 3600  # a writer waits this long for another to finish (a 10M-row ingest takes a while)


@contextmanager
def exclusive(path: Path, what: Msg, wait: float = WAIT_S, waiting: Callable[[str], None] = lambda _msg: None) -> Iterator[bool]:
    """Hold the lock file ``path`` for the block; tell ``waiting`` when another holder makes us wait. Yields whether
    this is the outermost hold in this thread (the place to clear what a killed holder left)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(path, is_singleton=True)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        waiting(str(Msg(f"等待另一个写入完成（{what.zh}）", f"waiting for another writer to finish ({what.en})")))
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise IpsError(
                Msg(
                    f"{what.zh}正被另一进程写入，等待超时，请稍后重试",
                    f"{what.en} is being written by another process; retry later",
                )
            ) from None
    try:
        yield lock.lock_counter == 1
    finally:
        lock.release()
