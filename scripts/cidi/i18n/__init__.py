"""Languages of the site: a message catalogue (``messages.yml``) and the names of provinces,
dimensions and regions in each language. Templates and chart builders take a :class:`Lang` and
never hold UI text themselves, so the English and Chinese sites come from the same code.
"""
from __future__ import annotations

from functools import cached_property
from pathlib import Path

from cidi.formatting import Formatter
from cidi.load_sources import parse_yaml

LANGS = ("en", "zh")
CATALOGUE = Path(__file__).with_name("messages.yml")


def read_region_names(package_yml: Path | None = None) -> dict[str, str]:
    """English region value -> Chinese name: ``region_names_zh`` of package.yml, the one place they are typed."""
    from cidi import paths

    meta = parse_yaml((package_yml or paths.PACKAGE_META).read_text(encoding="utf-8-sig"))
    return dict(meta["region_names_zh"])


class MissingMessage(KeyError):
    pass


def read_catalogue(path: Path = CATALOGUE) -> dict[str, dict[str, str]]:
    """key -> {lang: text}. Each entry in the file is ``key: [english, chinese]``."""
    raw = parse_yaml(path.read_text(encoding="utf-8"))
    return {key: dict(zip(LANGS, texts)) for key, texts in raw.items()}


class Lang:
    def __init__(self, code: str, sources, catalogue: dict | None = None, region_zh: dict | None = None):
        if code not in LANGS:
            raise ValueError(f"unknown language {code!r}; the site has {LANGS}")
        self.code = code
        self.f = Formatter(code)
        self._region_zh = region_zh if region_zh is not None else read_region_names()
        self.catalogue = catalogue if catalogue is not None else read_catalogue()
        provinces = sources.provinces.set_index("name_en")
        self._province = dict(zip(provinces.index, provinces["short_name_zh"]))
        self._province_full = dict(zip(provinces.index, provinces["name_zh"]))
        dims = sources.dimensions.set_index("id")
        self._dim = dims

    # -- text -----------------------------------------------------------------------------
    def t(self, key: str, **values) -> str:
        try:
            text = self.catalogue[key][self.code]
        except KeyError:
            raise MissingMessage(f"message {key!r} has no {self.code!r} text in {CATALOGUE.name}") from None
        return text.format(**values) if values else text

    def tn(self, key: str, count: int, **values) -> str:
        """A message that depends on a count: ``key.one`` for exactly one (where the catalogue has it)."""
        one = f"{key}.one"
        return self.t(one if count == 1 and one in self.catalogue else key, n=count, **values)

    @property
    def zh(self) -> bool:
        return self.code == "zh"

    @cached_property
    def prefix(self) -> str:
        """Path of this language's site below the site root ('' for English, 'zh/' for Chinese)."""
        return "" if self.code == "en" else f"{self.code}/"

    @property
    def html_lang(self) -> str:
        return "en" if self.code == "en" else "zh-Hans"

    # -- names ----------------------------------------------------------------------------
    def province(self, name_en: str) -> str:
        """Short display name: 'Guangdong' / '广东'."""
        return self._province.get(name_en, name_en) if self.zh else name_en

    def province_zh_short(self, name_en: str) -> str:
        """The Chinese short name in either language ('广东'), e.g. beside the English name in a title."""
        return self._province.get(name_en, name_en)

    def province_full(self, name_en: str) -> str:
        return self._province_full.get(name_en, name_en) if self.zh else name_en

    def region(self, region: str) -> str:
        return self._region_zh.get(region, region) if self.zh else region

    def dim(self, dim_id: str) -> str:
        """Short dimension label for charts."""
        if dim_id == "total":
            return self.t("word.total")
        return self._dim.loc[dim_id, "name_zh" if self.zh else "short_name_en"]

    def names_dimension(self, value) -> bool:
        """True for a dimension id or 'total' (values that :meth:`dim` can name)."""
        return value == "total" or value in self._dim.index

    def dim_full(self, dim_id: str) -> str:
        return self._dim.loc[dim_id, "name_zh" if self.zh else "name_en"]

    def join(self, items: list[str]) -> str:
        """"A, B and C" / "A、B和C"."""
        items = list(items)
        if len(items) <= 1:
            return "".join(items)
        return self.t("punct.list").join(items[:-1]) + self.t("punct.and") + items[-1]

    def lower(self, text: str) -> str:
        """Lower-case a name inside an English sentence; Chinese has no case."""
        return text if self.zh else text[:1].lower() + text[1:]

    # -- numbers --------------------------------------------------------------------------
    def pct(self, value, digits: int = 1) -> str:
        return self.f.pct(value, digits)

    def rank(self, rank: int, of: int | None = None) -> str:
        if of is None:
            return self.t("fmt.rank", rank=int(rank))
        return self.t("fmt.rank_of", rank=int(rank), n=int(of))
