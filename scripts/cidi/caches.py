"""Text kept from one build to the next under a key of everything it was made from.

A :class:`TextCache` is one file (a pickle of key -> text) holding what the last build made: a
rebuild takes each text whose key is unchanged and makes the others. The caller's ``inputs`` key
covers what every text depends on (e.g. :func:`cidi.make_site.staged_key`); each text's key adds
its own parts (a page's path and template sources, a card's name). Only this build's texts are
written back, so the file does not grow.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Callable


def empty(folder: Path | None) -> bool:
    """No cache (None), or a cache folder with nothing in it yet: a cold build."""
    return folder is None or not folder.is_dir() or not any(folder.iterdir())


def write_atomically(path: Path, data: bytes) -> None:
    """``data`` as ``path``, written beside it and renamed there: a reader (another build) sees the old
    file or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}-{os.getpid()}")
    temporary.write_bytes(data)
    temporary.replace(path)


class TextCache:
    def __init__(self, path: Path | None, inputs: str):
        """``path``: the file, or None for no caching (every text is made)."""
        self.path, self.inputs = path, inputs
        try:
            self.old: dict[str, str] = pickle.loads(path.read_bytes()) if path is not None else {}
        except Exception:  # noqa: BLE001 - none yet, or from another version: make every text
            self.old = {}
        self.new: dict[str, str] = {}
        self.made = 0  # texts not found in the cache

    def key(self, *parts: str) -> str | None:
        if self.path is None:
            return None
        digest = hashlib.sha256(self.inputs.encode())
        for part in parts:
            digest.update(str(part).encode() + b"\0")
        return digest.hexdigest()

    def text(self, key: str | None, make: Callable[[], str]) -> str:
        """The text kept under ``key``, else ``make()`` (kept for the next build); ``key`` None: ``make()``."""
        if key is None:
            return make()
        if key not in self.old:
            self.old[key] = make()
            self.made += 1
        self.new[key] = self.old[key]
        return self.new[key]

    def save(self) -> None:
        if self.path is not None:
            write_atomically(self.path, pickle.dumps(self.new, protocol=5))
