"""The syndication endpoint's token: (id / 1e15) * pi in base 36, without '0' and '.'.

Python has no equivalent of JavaScript's Number.prototype.toString(radix) for
fractions, so this is a port of V8's DoubleToRadixCString: it prints the
shortest digits that read back as the same double, rounding half to even.
"""

from __future__ import annotations

import math

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def js_to_radix_string(value: float, radix: int = 36) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "-Infinity" if value < 0 else "Infinity"
    negative = value < 0
    value = -value if negative else value
    integer = math.floor(value)
    fraction = value - integer
    # Half the distance to the next double: digits below that are noise.
    delta = max(0.5 * (math.nextafter(value, math.inf) - value), math.nextafter(0.0, 1.0))
    frac_digits: list[int] = []
    if fraction >= delta:
        while True:
            fraction *= radix
            delta *= radix
            digit = int(fraction)
            frac_digits.append(digit)
            fraction -= digit
            rounds_up = fraction > 0.5 or (fraction == 0.5 and digit & 1)
            if rounds_up and fraction + delta > 1:
                # Round up, carrying through digits already written.
                while True:
                    if not frac_digits:
                        integer += 1
                        break
                    last = frac_digits.pop() + 1
                    if last < radix:
                        frac_digits.append(last)
                        break
                break
            if fraction < delta:
                break
    int_digits: list[str] = []
    # Digits of an integer part beyond 2**53 are not represented: V8 writes zeros.
    while math.frexp(integer / radix)[1] - 53 > 0:
        integer /= radix
        int_digits.append("0")
    while True:
        remainder = math.fmod(integer, radix)
        int_digits.append(_DIGITS[int(remainder)])
        integer = (integer - remainder) / radix
        if integer <= 0:
            break
    text = "".join(reversed(int_digits))
    if frac_digits:
        text += "." + "".join(_DIGITS[d] for d in frac_digits)
    return "-" + text if negative else text


def syndication_token(tweet_id: str | int) -> str:
    value = (float(int(tweet_id)) / 1e15) * math.pi
    return js_to_radix_string(value, 36).replace("0", "").replace(".", "")
