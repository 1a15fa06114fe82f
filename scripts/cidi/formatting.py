"""The one formatter: every number the site prints leaves the build through one of these functions.

Rule (stated on the methodology page, "How numbers are printed"): a number is rounded **once**, from
the full precision the build computed, **half away from zero** (2.345 -> 2.35, -2.345 -> -2.35),
applied to the value's decimal form at 12 significant digits, which removes binary floating-point
noise: 40.15 is 40.15, not 40.149999..., and a mean of two-decimal scores that is exactly 25.545
(stored as 25.544999999999998) rounds to 25.55.
A difference between two printed figures is the difference of the printed figures, so a reader's
own subtraction always agrees with the page. Negative numbers carry the minus sign U+2212, as
Vega's number format does.

One function per kind; the number of decimals of each kind is fixed here and nowhere else:

==========  ========  ==================================================
kind        decimals  used for
==========  ========  ==================================================
score       2         dimension scores, totals, means and medians of scores, gaps
pct         1         attainment and other percentages (value already in per cent)
share       1         a fraction 0-1 shown as a percentage
rank        0         ranks and places
corr        2         correlation coefficients
stat        3         dispersion statistics (sd, cv, Gini)
ratio       2         ratios ("times as much")
count       0         counts, with thousands separators
figure      as typed  national figures, printed with the digits the report printed
amount      as typed  a national figure from its value in base units: "739 million" in English,
                      "7.39亿" in Chinese (万, 亿, 万亿; never 百万 or 十亿), no digit added or lost
date        --        a reference date: "2017-06" in English, "2017年6月" in Chinese
==========  ========  ==================================================
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MINUS = "\u2212"
DECIMALS = {"score": 2, "pct": 1, "share": 1, "corr": 2, "stat": 3, "ratio": 2, "rank": 0, "count": 0}
ROUNDING_RULE = "half away from zero"
SIGNIFICANT = 12  # digits kept before rounding: float noise lies far below, every real digit above


def rounded(value, digits: int) -> Decimal:
    """``value`` rounded half away from zero to ``digits`` decimals (ROUND_HALF_UP is away from zero)."""
    exact = value if isinstance(value, Decimal) else Decimal(format(float(value), f".{SIGNIFICANT}g"))
    return exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def decimal_text(value, digits: int, grouping: bool = False) -> str:
    """Plain text of a rounded number: U+2212 for negatives, never "-0.00"."""
    number = rounded(value, digits)
    if number == 0:
        number = abs(number)
    text = f"{abs(number):,.{digits}f}" if grouping else f"{abs(number):.{digits}f}"
    return (MINUS + text) if number < 0 else text


# Chinese counts in myriads: 万 (10^4), 亿 (10^8), 万亿 (10^12); largest first.
ZH_MAGNITUDES = ((12, "万亿"), (8, "亿"), (4, "万"))
# English multiplier words of the report's units ("million ports"), largest first.
EN_MAGNITUDES = ((12, "trillion"), (9, "billion"), (6, "million"))
MAGNITUDE_DECIMALS = 2  # at most this many decimals after scaling: 51.4万 and 13.6亿, but 118,725 stays


def exact(value) -> Decimal:
    """A source number as an exact decimal (12 significant digits, as everywhere here)."""
    return value if isinstance(value, Decimal) else Decimal(format(float(value), f".{SIGNIFICANT}g"))


def plain(number: Decimal, grouping: bool = True) -> str:
    """An exact decimal with exactly its own digits: 7.390 -> "7.39", 2400 -> "2,400"."""
    number = number.normalize()
    if number == number.to_integral():
        text = f"{int(number):,}" if grouping else str(int(number))
    else:
        text = f"{number:,f}" if grouping else f"{number:f}"
    return text.replace("-", MINUS)


class Formatter:
    """The site's number formats in one language (only the percent sign differs: "40.2 %" / "40.2%")."""

    def __init__(self, lang: str = "en"):
        self.lang = lang
        self._percent = "%" if lang == "zh" else " %"

    def score(self, value) -> str:
        return decimal_text(value, DECIMALS["score"])

    def pct(self, value, digits: int = DECIMALS["pct"]) -> str:
        """A value already in per cent: 40.154 -> "40.2 %"."""
        return decimal_text(value, digits) + self._percent

    def share(self, value, digits: int = DECIMALS["share"]) -> str:
        """A fraction shown in per cent: 0.4015 -> "40.2 %"."""
        return self.pct(Decimal(format(float(value), f".{SIGNIFICANT}g")) * 100, digits)

    def rank(self, value) -> str:
        return str(int(value))

    def corr(self, value) -> str:
        return decimal_text(value, DECIMALS["corr"])

    def stat(self, value) -> str:
        return decimal_text(value, DECIMALS["stat"])

    def ratio(self, value) -> str:
        return decimal_text(value, DECIMALS["ratio"])

    def count(self, value) -> str:
        return f"{int(value):,}"

    def figure(self, value) -> str:
        """A national figure as the report printed it: 7.39 stays 7.39, 100.0 prints 100."""
        number = Decimal(format(float(value), f".{SIGNIFICANT}g"))
        text = f"{number.normalize():,f}" if number != number.to_integral() else f"{int(number):,}"
        return text.replace("-", MINUS)

    def amount(self, base_value, factor=1) -> str:
        """A national figure from its value in base units (the same number in both languages).

        With ``factor`` (the printed unit's, e.g. 10^6 for "million ports") the value is printed in
        that unit, i.e. with the report's digits (739000000 -> "739"). Without it, Chinese counts in
        base units by 万/亿/万亿 when the scaled number keeps at most two decimals (7.39亿, 13.6亿,
        1355亿, 51.4万, 4000万; 118725 stays 118,725; below 10,000 no separator: 2400).
        Exact decimal arithmetic: nothing is rounded.
        """
        number = exact(base_value)
        if self.lang != "zh" or exact(factor) != 1:
            return plain(number / exact(factor))
        for power, word in ZH_MAGNITUDES:
            scaled = number.scaleb(-power)
            if abs(scaled) >= 1 and -scaled.normalize().as_tuple().exponent <= MAGNITUDE_DECIMALS:
                return plain(scaled, grouping=False) + word
        return plain(number, grouping=abs(number) >= 10_000)

    def date(self, iso: str) -> str:
        """A reference date (YYYY, YYYY-MM or YYYY-MM-DD): Chinese "2017年6月30日", English as written."""
        if self.lang != "zh":
            return iso
        parts = [int(p) for p in str(iso).split("-")]
        return "".join(f"{n}{u}" for n, u in zip(parts, "年月日"))

    def size(self, n_bytes: int, digits: int = 1) -> str:
        """A file size in kilobytes (1 KB = 1,024 bytes): "12.3 KB"."""
        return decimal_text(Decimal(n_bytes) / 1024, digits, grouping=True) + " KB"

    def signed(self, value, kind: str = "score") -> str:
        """With an explicit sign: "+0.01", "−0.02", "0.00"."""
        text = decimal_text(value, DECIMALS[kind])
        return text if text.startswith(MINUS) or rounded(value, DECIMALS[kind]) == 0 else "+" + text

    def gap(self, a, b, kind: str = "score") -> str:
        """The difference of two figures as printed: gap(36.256, 25.545) = 36.26 - 25.55 = "10.71"."""
        digits = DECIMALS[kind]
        return decimal_text(rounded(a, digits) - rounded(b, digits), digits)

    def gap_value(self, a, b, kind: str = "score") -> Decimal:
        digits = DECIMALS[kind]
        return rounded(a, digits) - rounded(b, digits)
