"""Text on the diagrams: number formatting, escaping, and the HTML-like labels graphviz draws.

Numbers: the default format ``'auto'`` shows two decimals (``0.73``, ``-0.20``, ``-12.00``) and
as many more as a small number needs for two significant digits (``-0.0042``), so a nonzero
number never shows as 0; beyond 10^6 or below 10^-4 it switches to scientific notation
(``1.2e+07``, ``-4.2e-05``). Any float format spec (``'.2f'``, ``'.4g'``, ``'g'``) may be given
instead. ``number(x, fmt, extra)`` shows ``extra`` more digits than ``fmt`` does: captions use it
until their arithmetic checks by hand (:func:`checks`).

Every piece of user text (labels, numbers) goes through :func:`escape` before it reaches a label,
so a label such as ``<script>alert(1)</script>`` is drawn as those characters in DOT, SVG and HTML.
"""

from __future__ import annotations

import decimal
import html
import math
import re
from collections.abc import Callable, Sequence
from functools import lru_cache

FONT = "Helvetica"
FONT_SIZE = 14
UNKNOWN = "?"  # a value or gradient not computed (yet)
AUTO = "auto"
DEFAULT_FMT = AUTO
SPEC = re.compile(r"^(?P<flags>[+\- ]?z?#?)(?:\.(?P<precision>\d{1,2}))?(?P<type>[eEfFgG%]?)$")
"""The float format specs accepted: sign, ``z``, ``#``, a precision and a float type; no width,
fill or grouping, which would pad or widen the numbers on a wire."""
MAX_EXTRA = 17  # digits beyond the format: enough for any float


def check_format(fmt: object) -> str:
    """``fmt`` if it is ``'auto'`` or a float format spec (``'.2f'``, ``'g'``), else ValueError."""
    if fmt == AUTO:
        return AUTO
    if not isinstance(fmt, str) or SPEC.match(fmt) is None:
        raise ValueError(
            f"fmt={fmt!r:.40} is not a number format: use 'auto' (the default: 0.73, -0.0042), "
            "or a float format spec such as '.2f', '.4g' or 'g'"
        )
    try:
        format(-1.5, fmt)
    except (ValueError, TypeError):
        raise ValueError(
            f"fmt={fmt!r:.40} is not a float format spec; use for example '.2f'"
        ) from None
    return fmt


def _auto(x: float, digits: int) -> str:
    """Two decimals, or ``digits`` significant digits where that needs more; e-notation beyond."""
    size = abs(x)
    if size == 0.0:
        return "0." + "0" * max(2, digits - 1)
    if 1e-4 <= size < 1e6:
        decimals = max(2, digits - 1 - math.floor(math.log10(size)))
        return f"{x:.{decimals}f}"
    return f"{x:.{digits - 1}e}"


def _finer(fmt: str, extra: int) -> str:
    """``fmt`` with ``extra`` more digits of precision (6 is Python's default precision)."""
    match = SPEC.match(fmt)
    assert match is not None, "checked by check_format"
    if not extra:
        return fmt
    precision = int(match["precision"] or 6) + extra
    return f"{match['flags']}.{precision}{match['type'] or 'g'}"


def number(x: float | None, fmt: str = DEFAULT_FMT, extra: int = 0) -> str:
    """``x`` formatted with ``fmt`` (and ``extra`` more digits); '?' for an unknown number; never
    a lone '-0.00'."""
    if x is None:
        return UNKNOWN
    text = _auto(x, 2 + extra) if fmt == AUTO else format(x, _finer(fmt, extra))
    if text.startswith("-") and not any(digit in text.split("e")[0] for digit in "123456789"):
        text = text[1:]
    return text


@lru_cache(maxsize=1 << 16)
def shown_number(x: float | None, fmt: str) -> str:
    """:func:`number` remembered: a drawing shows the same numbers in frame after frame."""
    return number(x, fmt)


def _decimal(text: str) -> decimal.Decimal | None:
    """A shown number as an exact decimal (None for '?', 'inf', '12%')."""
    try:
        value = decimal.Decimal(text)
    except decimal.InvalidOperation:
        return None
    return value if value.is_finite() else None


def checks(result: str, *terms: tuple[str, ...]) -> bool:
    """Does the arithmetic shown check by hand? ``terms`` are products (tuples of factors) added
    up (a lone number is ``(a,)``); their exact sum, rounded to the digits ``result`` shows, must
    be ``result``. ``checks('0.3932', ('2.000', '0.1966'))`` is True; with ``('2.00', '0.20')`` it
    is not (2.00 x 0.20 = 0.40)."""
    shown = _decimal(result)
    if shown is None:
        return False
    with decimal.localcontext() as context:  # digits enough for every product: exact
        context.prec = len(result) + sum(len(text) for factors in terms for text in factors) + 2
        total = decimal.Decimal(0)
        for factors in terms:
            product = decimal.Decimal(1)
            for text in factors:
                factor = _decimal(text)
                if factor is None:
                    return False
                product *= factor
            total += product
        return total.quantize(shown, rounding=decimal.ROUND_HALF_EVEN) == shown


def hand_checked(
    fmt: str,
    operands: Sequence[float],
    result: float,
    check: Callable[[tuple[str, ...], str], bool],
) -> tuple[str, ...]:
    """The operands and the result of a calculation as shown: the result with as few digits as
    it can (first as on its wire), each operand with as many more as the shown arithmetic needs
    to check by hand (``check(operand texts, result text)``), short of trailing zeros. A
    product of two numbers known to 3 digits is known to about 3, so the operands may need more
    digits than the result (``7.3890561 × -1618.178 = -11956.81``).

    Where no number of digits makes it check, the float result has left exact arithmetic
    (``1e-200 × 1e-200`` underflows to 0.0): then every number is shown as on its wire.
    """
    for result_extra in range(MAX_EXTRA + 1):
        shown = number(result, fmt, result_extra)
        for extra in range(MAX_EXTRA + 1):
            texts = tuple(number(x, fmt, extra) for x in operands)
            if check(texts, shown):
                return (*_fewest(fmt, operands, extra), shown)
    return (*(number(x, fmt) for x in operands), number(result, fmt))


def _fewest(fmt: str, operands: Sequence[float], extra: int) -> tuple[str, ...]:
    """The operands with ``extra`` more digits, except where those are only trailing zeros: an
    exact -0.5 beside 2.573 is shown as -0.50, not -0.5000 (the same number, so it still checks)."""
    texts = []
    for x in operands:
        fewer = extra
        while fewer > 0 and _decimal(number(x, fmt, fewer - 1)) == _decimal(number(x, fmt, extra)):
            fewer -= 1
        texts.append(number(x, fmt, fewer))
    return tuple(texts)


def escape(text: str) -> str:
    """User text made safe for an HTML-like graphviz label (and so for SVG and HTML)."""
    printable = "".join(c if c.isprintable() else "\N{REPLACEMENT CHARACTER}" for c in text)
    return html.escape(printable, quote=True)


def text_width(text: str, font_size: float = FONT_SIZE) -> float:
    """A generous estimate, in points, of how wide ``text`` is drawn (used to fix cell widths)."""
    wide = sum(1 for c in text if c.isupper() or c in "mwMW@%")
    return font_size * (0.62 * (len(text) - wide) + 0.95 * wide) + 4


def coloured(text: str, colour: str) -> str:
    """Escaped ``text`` in a font colour."""
    return f'<FONT COLOR="{colour}">{escape(text)}</FONT>'


def html_label(body: str) -> str:
    """Wrap table markup as a graphviz HTML-like label (``<...>``)."""
    return f"<{body}>"
