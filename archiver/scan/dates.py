"""Attribution dates as published embeds write them, in several languages."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_MONTHS = {
    1: "january enero janvier januar gennaio janeiro januari jänner",
    2: "february febrero février fevrier februar febbraio fevereiro februari",
    3: "march marzo mars märz maerz marco março maart",
    4: "april abril avril aprile",
    5: "may mayo mai maggio maio mei",
    6: "june junio juin juni giugno junho",
    7: "july julio juillet juli luglio julho",
    8: "august agosto août aout augustus",
    9: "september septiembre setiembre septembre settembre setembro",
    10: "october octubre octobre oktober ottobre outubro",
    11: "november noviembre novembre novembro",
    12: "december diciembre décembre decembre dezember dicembre dezembro",
}
_NAMES = {name: num for num, names in _MONTHS.items() for name in names.split()}
# Abbreviations that are not plain prefixes of a full name above.
_NAMES.update({"sept": 9, "févr": 2, "janv": 1, "juil": 7, "déc": 12, "mär": 3, "mrz": 3,
               "mrt": 3})


def month_number(word: str) -> int | None:
    w = unicodedata.normalize("NFC", word.lower().rstrip("."))
    if w in _NAMES:
        return _NAMES[w]
    if len(w) < 3:
        return None
    found = {num for name, num in _NAMES.items() if name.startswith(w)}
    return found.pop() if len(found) == 1 else None


_WORD = r"(?P<mon>[^\W\d_]{3,12}\.?)"
_PATTERNS = [
    # January 6, 2022 / Jan. 6 2022
    re.compile(_WORD + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})"),
    # 6 de enero de 2022 / 6 janvier 2022 / 6. Januar 2022 / 1er mai 2020 / 6 Jan 2022
    re.compile(
        r"(?P<d>\d{1,2})(?:er|º|°|\.)?\s+(?:de\s+)?" + _WORD + r",?\s+(?:de\s+|del\s+)?(?P<y>\d{4})"
    ),
    # 2020年5月10日 (Japanese, Chinese) / 2020년 5월 10일 (Korean)
    re.compile(r"(?P<y>\d{4})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]"),
    # 2022-01-06
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"),
]
# The whole date, for anchoring an attribution line's end.
DATE_PATTERN = "(?:" + "|".join(
    p.pattern.replace("?P<mon>", "?:").replace("?P<d>", "?:").replace("?P<y>", "?:").replace(
        "?P<m>", "?:"
    )
    for p in _PATTERNS
) + ")"


def parse_date(text: str | None) -> str | None:
    """An ISO date (YYYY-MM-DD) for a date as written, or None when it is not one."""
    if not text:
        return None
    for pattern in _PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        groups = m.groupdict()
        month = int(groups["m"]) if groups.get("m") else month_number(groups["mon"])
        if not month:
            continue
        try:
            return date(int(groups["y"]), month, int(groups["d"])).isoformat()
        except ValueError:
            continue
    return None
