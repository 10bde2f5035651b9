"""Amounts of money in Vietnamese words, as papers write them ("một tỷ hai trăm năm mươi triệu đồng").

Our own implementation: num2words (lang="vi", 0.5.14) was checked and reads 1.010 as "một nghìn lẻ
mười" and 2.005.000.000 as "hai tỷ năm triệu", where a paper must read "một nghìn không trăm mười"
and "hai tỷ không trăm linh năm triệu". The rules, as accounting and enforcement papers use them:

* digits are read in groups of three (đơn vị, nghìn, triệu); every nine digits make a tỷ, and the
  part above it is read the same way ("một nghìn tỷ");
* a group after a non-zero group is read in full, with "không trăm" when its hundreds are 0
  ("một tỷ không trăm linh năm triệu"); a group of three zeros is left out;
* tens: "linh" when the tens digit is 0 and the unit is not ("một trăm linh năm"); "mười" for 1;
  otherwise "<digit> mươi";
* units after a tens digit: 5 is "lăm" ("mười lăm", "hai mươi lăm"), 1 after 2..9 tens is "mốt",
  4 after 2..9 tens is "tư"; 0 is silent.
"""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
SCALES = ("", "nghìn", "triệu")
BILLION = 10 ** 9


def _three(n: int, full: bool) -> list[str]:
    """Words of 0 < n < 1000; ``full``: a group after a non-zero group (hundreds always read)."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    out = []
    if hundreds or full:
        out += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and out:
            out.append("linh")
    elif tens == 1:
        out.append("mười")
    else:
        out += [DIGITS[tens], "mươi"]
    if units:
        if units == 5 and tens:
            out.append("lăm")
        elif units == 1 and tens > 1:
            out.append("mốt")
        elif units == 4 and tens > 1:
            out.append("tư")
        else:
            out.append(DIGITS[units])
    return out


def _below_billion(n: int, full: bool) -> list[str]:
    groups = [n // 1_000_000 % 1000, n // 1000 % 1000, n % 1000]
    out: list[str] = []
    for i, g in enumerate(groups):
        if g:
            out += _three(g, full or bool(out))
            scale = SCALES[2 - i]
            if scale:
                out.append(scale)
    return out


def _words(n: int, full: bool) -> list[str]:
    if n >= BILLION:
        high, low = divmod(n, BILLION)
        out = _words(high, full) + ["tỷ"]
        return out + (_below_billion(low, True) if low else [])
    return _below_billion(n, full)


def words(n: int) -> str:
    """``n`` (a whole number >= 0) in Vietnamese words, lower case."""
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise ValueError(f"a whole number >= 0 is needed, not {n!r}")
    return "không" if n == 0 else " ".join(_words(n, False))


def dong(n: int) -> str:
    """An amount of money as a paper writes it in words: "Một tỷ hai trăm năm mươi triệu đồng"."""
    text = words(n)
    return text[0].upper() + text[1:] + " đồng"


def figures(n: int) -> str:
    """An amount in figures, Vietnamese style: "1.250.000.000 đồng"."""
    return f"{n:,}".replace(",", ".") + " đồng"
