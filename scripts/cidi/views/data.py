"""The views' input: the validated sources, computed tables, robustness results and package, with
the lookups every view needs built once (pure; no page is shaped here)."""
from __future__ import annotations

from functools import cached_property
from pathlib import Path


from cidi.compute_indices import NATIONAL, TOTAL
from cidi.i18n import Lang


class SiteData:
    def __init__(self, sources, indices, robust, descriptor: dict, meta: dict, data_dir: Path | None = None,
                 base_url: str = "http://127.0.0.1:8000/"):
        self.sources, self.indices, self.robust = sources, indices, robust
        self.descriptor, self.meta, self.base_url = descriptor, meta, base_url
        self._data_dir = data_dir
        self._langs: dict[str, Lang] = {}

    # -- languages --------------------------------------------------------------------------
    def lang(self, code: str) -> Lang:
        if code not in self._langs:
            self._langs[code] = Lang(code, self.sources, region_zh=self.region_zh)
        return self._langs[code]

    # -- reference facts (each from one place) -------------------------------------------------
    @cached_property
    def region_zh(self) -> dict[str, str]:
        """English region value -> Chinese name, from package.yml (``region_names_zh``)."""
        return dict(self.meta["region_names_zh"])

    @cached_property
    def regions(self) -> list[str]:
        """The NBS regions in package.yml order (the enum of provinces.nbs_region)."""
        return list(self.sources.regions) or [r for r in self.region_zh if r != NATIONAL]

    @cached_property
    def dims(self) -> list[dict]:
        return self.sources.dimensions.to_dict("records")

    @cached_property
    def dim_ids(self) -> list[str]:
        return [d["id"] for d in self.dims]

    @cached_property
    def dim(self) -> dict[str, dict]:
        return {d["id"]: d for d in self.dims}

    @cached_property
    def n(self) -> int:
        return len(self.indices.scores)

    @cached_property
    def ranked(self) -> list[dict]:
        """One dict per assessed province, by official rank (the package's ``scores`` row)."""
        return self.indices.scores.sort_values(["rank", "adcode"]).to_dict("records")

    @cached_property
    def by_code(self) -> dict[str, dict]:
        return {p["adcode"]: p for p in self.ranked}

    @cached_property
    def by_slug(self) -> dict[str, dict]:
        return {p["slug"]: p for p in self.ranked}

    def region_extremes(self) -> tuple[str, str]:
        """The regions with the highest and the lowest mean total."""
        return (max(self.regions, key=self.region_mean), min(self.regions, key=self.region_mean))

    def not_assessed(self, L) -> str:
        """The divisions the report does not assess, named from provinces.csv in the reader's language."""
        ref = self.sources.provinces
        return L.join(L.province_full(n) for n in ref.loc[~ref["assessed"], "name_en"])

    @cached_property
    def data_card(self) -> str:
        """The package's data card (README.md) as written by write_package."""
        return (self._data_dir / "README.md").read_text(encoding="utf-8")

    @cached_property
    def scores_by(self) -> dict[tuple[str, str], dict]:
        """(adcode, dimension) -> the ``scores-long`` row."""
        return {(r["adcode"], r["dimension"]): r for r in self.indices.scores_long.to_dict("records")}

    def dimension_rows(self, dim_id: str) -> list[dict]:
        """The 31 ``scores-long`` rows of a dimension, best first (ties by code)."""
        rows = [self.scores_by[(p["adcode"], dim_id)] for p in self.ranked]
        return sorted(rows, key=lambda r: (r["rank"], r["adcode"]))

    @cached_property
    def stats(self) -> dict[str, dict]:
        """measure -> dimension-statistics row (full precision)."""
        return self.indices.dimension_statistics.set_index("measure").to_dict("index")

    @cached_property
    def region_stats(self) -> dict[tuple[str, str], dict]:
        """(region or "National", measure) -> region-summary row (full precision)."""
        frame = self.indices.region_summary
        return {(r["region"], r["measure"]): r for r in frame.to_dict("records")}

    def region_mean(self, region: str, measure: str = TOTAL) -> float:
        return self.region_stats[(region, measure)]["mean"]

    def members(self, region: str) -> list[dict]:
        return [p for p in self.ranked if p["region"] == region]

    def corr(self, a: str, b: str, method: str = "pearson") -> float:
        return self._corr[(method, a, b)]

    @cached_property
    def _corr(self) -> dict:
        return {(r["method"], r["measure_a"], r["measure_b"]): r["r"]
                for r in self.indices.correlations.to_dict("records")}

    @cached_property
    def uncertainty(self) -> dict[str, dict]:
        return self.robust.rank_uncertainty.set_index("adcode").to_dict("index")

    @cached_property
    def mentions(self) -> list[dict]:
        return self.sources.province_mentions.to_dict("records")

    @cached_property
    def national_score(self) -> float:
        return self.descriptor["cidi:national_score"]["value"]

    @cached_property
    def files(self) -> dict[str, dict]:
        """Every file of the data package: name -> {name, sha256, bytes} (from SHA256SUMS, read once)."""
        if self._data_dir is None:
            return {}
        out = {}
        for line in (self._data_dir / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
            digest, name = line.split("  ", 1)
            out[name] = {"name": name, "sha256": digest, "bytes": (self._data_dir / name).stat().st_size}
        return dict(sorted(out.items()))

    def slug(self, adcode: str) -> str:
        return self.by_code[adcode]["slug"]

