"""Reading PNGs in tests: chunks (their CRCs checked), iTXt texts and pixels (8-bit RGBA or palette)."""
from __future__ import annotations

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """Every chunk of a PNG in order, (kind, body), each CRC checked."""
    assert data[:8] == SIGNATURE, "not a PNG"
    out, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind, body = data[position + 4:position + 8], data[position + 8:position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length:position + 12 + length])
        assert crc == zlib.crc32(kind + body), f"bad CRC in {kind!r}"
        out.append((kind, body))
        position += 12 + length
    return out


def first_chunks(data: bytes) -> dict[bytes, bytes]:
    """The first chunk of each kind, by kind."""
    found: dict[bytes, bytes] = {}
    for kind, body in chunks(data):
        found.setdefault(kind, body)
    return found


def texts(data: bytes) -> dict[str, str]:
    """The iTXt texts of a PNG, by keyword."""
    out = {}
    for kind, body in chunks(data):
        if kind == b"iTXt":  # keyword \0 flag method language \0 translated-keyword \0 text
            key, rest = body.split(b"\0", 1)
            _language, rest = rest[2:].split(b"\0", 1)
            _translated, text = rest.split(b"\0", 1)
            out[key.decode("latin-1")] = text.decode("utf-8")
    return out


def rgba(data: bytes):
    """The pixels of an 8-bit RGBA, RGB or palette PNG (rows x columns x RGBA, ints), rows filtered None or Sub."""
    import numpy as np

    parts = chunks(data)
    width, height, depth, kind = struct.unpack(">IIBB", parts[0][1][:10])
    assert depth == 8 and kind in (2, 3, 6), f"a PNG of depth {depth}, colour type {kind}"
    channels = {2: 3, 3: 1, 6: 4}[kind]
    rows = np.frombuffer(zlib.decompress(b"".join(d for k, d in parts if k == b"IDAT")), np.uint8)
    rows = rows.reshape(height, 1 + width * channels)
    assert set(np.unique(rows[:, 0])) <= {0, 1}, "a row filter other than None and Sub"
    values = rows[:, 1:].reshape(height, width, channels).copy()
    sub = rows[:, 0] == 1
    values[sub] = np.cumsum(values[sub], axis=1, dtype=np.uint8)  # undo Sub: running sums mod 256
    if kind == 6:
        return values.astype(int)
    if kind == 2:
        return np.concatenate([values, np.full((height, width, 1), 255, np.uint8)], axis=2).astype(int)
    palette = np.frombuffer(dict(parts)[b"PLTE"], np.uint8).reshape(-1, 3)
    return np.concatenate([palette[values[:, :, 0]], np.full((height, width, 1), 255, np.uint8)], axis=2).astype(int)
