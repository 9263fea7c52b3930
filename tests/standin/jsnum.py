"""JavaScript's Number.prototype.toString(radix) for doubles, and the syndication token.

An independent port of the algorithm V8 uses (DoubleToRadixCString in
src/numbers/conversions.cc): fraction digits are produced until they are
below half the distance to the next double, with round-half-even and carry
propagation into already written digits; integer digits beyond 2**53 are
filled with zeros.
"""

from __future__ import annotations

import math
import struct

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _exponent(value: float) -> int:
    """V8's Double(value).Exponent(): value == significand * 2**exponent (53-bit significand)."""
    bits = struct.unpack("<Q", struct.pack("<d", value))[0]
    biased = (bits >> 52) & 0x7FF
    if biased == 0:  # zero or denormal
        return -1074
    return biased - 1075


def js_number_to_string(value: float, radix: int = 36) -> str:
    """Format a double in `radix` (2..36) exactly as V8's Number.prototype.toString(radix)."""
    if not 2 <= radix <= 36:
        raise ValueError("radix must be in 2..36")
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "-Infinity" if value < 0 else "Infinity"
    if radix == 10:
        raise ValueError("radix 10 uses the shortest round-trip algorithm; not implemented here")
    negative = value < 0
    if negative:
        value = -value

    integer = math.floor(value)
    fraction = value - integer
    # Only produce fraction digits up to the precision of the input double.
    delta = max(0.5 * (math.nextafter(value, math.inf) - value), math.ulp(0.0))
    fraction_digits: list[int] = []
    if fraction >= delta:
        while True:
            fraction *= radix
            delta *= radix
            digit = int(fraction)
            fraction_digits.append(digit)
            fraction -= digit
            # Round half to even, when the rest still matters at this precision.
            round_up = fraction > 0.5 or (fraction == 0.5 and (digit & 1))
            if round_up and fraction + delta > 1:
                # Carry through the digits already written.
                while True:
                    if not fraction_digits:
                        integer += 1  # carry reaches the integer part; no point
                        break
                    last = fraction_digits.pop()
                    if last + 1 < radix:
                        fraction_digits.append(last + 1)
                        break
                break
            if not fraction >= delta:
                break

    # Integer digits; digits below the double's precision are zeros.
    integer_digits: list[str] = []
    while _exponent(integer / radix) > 0:
        integer /= radix
        integer_digits.append("0")
    while True:
        remainder = math.fmod(integer, radix)
        integer_digits.append(DIGITS[int(remainder)])
        integer = (integer - remainder) / radix
        if not integer > 0:
            break
    text = "".join(reversed(integer_digits))
    if fraction_digits:
        text += "." + "".join(DIGITS[d] for d in fraction_digits)
    return "-" + text if negative else text


def syndication_token(tweet_id: int | str) -> str:
    """The token cdn.syndication.twimg.com/tweet-result expects for `tweet_id`.

    JS: ((Number(id) / 1e15) * Math.PI).toString(36).replace(/(0+|\\.)/g, '')
    """
    number = float(int(tweet_id))  # Number("…"): nearest double, ties to even
    text = js_number_to_string((number / 1e15) * math.pi, 36)
    return text.replace("0", "").replace(".", "")
