"""Synthetic datasets for the scaling runs: the real sources plus made-up regions.

The real datasets cannot describe 3,000 regions as they stand: ISO codes are CN-[A-Z]{2} (676
codes) and the package schemas bound ranks by 31. The synthetic folder's ``package.yml`` widens
the ISO pattern, and the scaling subprocesses alone widen the loader's check
(:func:`relax_iso_pattern`); the project's rules are not changed.
"""
from __future__ import annotations

import csv
import io
import random
import re
import shutil
from decimal import Decimal
from pathlib import Path

from cidi import paths

SYNTHETIC_SEED = 20171204
SYNTHETIC_ADCODE_BASE = 900_000  # real adcodes (GB/T 2260) stop at 820000
ISO_TWO_LETTER = r"CN-[A-Z]{2}"
ISO_RELAXED = r"CN-[A-Z0-9]{1,3}"  # the shape ISO 3166-2 allows: up to three alphanumerics
NBS_REGIONS = ("East", "Central", "West", "Northeast")  # made-up regions take these in turn


def letters(number: int, width: int) -> str:
    """``number`` written in base 26 with ``width`` letters a-z: letters(27, 3) == 'abb'."""
    out = []
    for _ in range(width):
        number, digit = divmod(number, 26)
        out.append(chr(ord("a") + digit))
    if number:
        raise ValueError(f"{width} letters cannot number that many regions")
    return "".join(reversed(out))


def iso_codes(count: int, taken: set[str]) -> list[str]:
    """``count`` unused codes: two letters (CN-AA..CN-ZZ) while they last, then three letters."""
    two = [f"CN-{letters(i, 2).upper()}" for i in range(26**2)]
    three = [f"CN-{letters(i, 3).upper()}" for i in range(26**3)]
    free = [c for c in two + three if c not in taken]
    if count > len(free):
        raise ValueError(f"cannot make {count} ISO codes")
    return free[:count]


def two_letter_capacity(taken: set[str]) -> int:
    """How many more divisions fit the two-letter pattern CN-[A-Z]{2}: 26 x 26 less those in use."""
    return 26**2 - sum(1 for code in taken if re.fullmatch(ISO_TWO_LETTER, code))


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def synthetic_datasets(target: Path, regions: int, source: Path = paths.DATASETS,
                       seed: int = SYNTHETIC_SEED) -> bool:
    """Write into ``target`` a copy of ``source`` scaled to ``regions`` assessed regions: the real
    ones, unchanged, plus made-up ones with valid codes, names, slugs, scores and a tile
    (the arcs of an existing province). Returns whether the ISO codes needed three letters.

    Synthetic scores: attainment a = base + noise, base ~ U(0.15, 0.55), noise ~ U(-0.1, 0.1)
    per dimension, clipped to [0.01, 0.99]; score = a x weight rounded to cents; total = the exact
    sum of the six printed scores; ranks 1..N by total (ties in file order).
    """
    shutil.copytree(source, target, copy_function=shutil.copyfile)  # copyfile: not the read-only mode
    header, provinces = _read_csv(target / "provinces.csv")
    assessed = [p for p in provinces if p["assessed"] == "true"]
    extra = regions - len(assessed)
    if extra < 0:
        raise ValueError(f"the real sources already have {len(assessed)} assessed regions; ask for more")
    taken = {p["iso_3166_2"] for p in provinces}
    relaxed = extra > two_letter_capacity(taken)
    width = 3
    while 26**width < extra:
        width += 1
    made = []
    for i, iso in enumerate(iso_codes(extra, taken)):
        name = f"Synthetic region {i + 1:05d}"
        made.append({"adcode": str(SYNTHETIC_ADCODE_BASE + i + 1), "iso_3166_2": iso, "name_en": name,
                     "name_zh": f"合成地区{i + 1:05d}", "short_name_zh": f"合成{i + 1:05d}",
                     "name_in_report": name, "slug": f"synthetic-{letters(i, width)}",
                     "division_type": "province", "nbs_region": NBS_REGIONS[i % 4], "assessed": "true"})
    _write_csv(target / "provinces.csv", header, provinces + made)

    _, dimensions = _read_csv(target / "dimensions.csv")
    weights = {d["id"]: int(d["weight"]) for d in dimensions}
    score_header, scores = _read_csv(target / "scores.csv")
    rng = random.Random(seed)
    for region in made:
        base = rng.uniform(0.15, 0.55)
        row = {"province": region["name_in_report"], "adcode": region["adcode"]}
        cents = 0
        for dim, weight in weights.items():
            attain = min(0.99, max(0.01, base + rng.uniform(-0.1, 0.1)))
            value = round(attain * weight * 100)
            cents += value
            row[dim] = f"{value // 100}.{value % 100:02d}"
        row["total"] = f"{cents // 100}.{cents % 100:02d}"
        scores.append(row)
    order = sorted(range(len(scores)), key=lambda i: (-Decimal(scores[i]["total"]), i))
    _write_csv(target / "scores.csv", score_header,
               [{**scores[i], "rank": str(rank)} for rank, i in enumerate(order, start=1)])

    if relaxed:  # the package schema's ISO pattern: two letters are too few codes for thousands of regions
        meta = target / "package.yml"
        meta.write_text(meta.read_text(encoding="utf-8").replace(f'"{ISO_TWO_LETTER}"', f'"{ISO_RELAXED}"'),
                        encoding="utf-8")

    # each made-up region gets a tile below the real grid, and no land neighbour
    layout_path = target / "tile-layout.csv"
    layout = list(csv.DictReader(io.StringIO(layout_path.read_text(encoding="utf-8"))))
    width = max(int(r["column"]) for r in layout) + 1
    below = max(int(r["row"]) for r in layout) + 1
    for i, region in enumerate(made):
        layout.append({"adcode": region["adcode"], "column": str(i % width), "row": str(below + i // width),
                       "label_en": f"R{i + 1}"})
    _write_csv(layout_path, ["adcode", "column", "row", "label_en"], layout)
    sidecar = target / "tile-layout.provenance.yml"
    sidecar.write_text(sidecar.read_text(encoding="utf-8")
                       + "".join(f'  "{region["adcode"]}": []\n' for region in made), encoding="utf-8")
    return relaxed

