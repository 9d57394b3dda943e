#!/usr/bin/env python3
"""Write charset.txt: every character the wall font subset must cover.

ASCII and Latin-1, the symbol rows and both hanzi levels of GB2312, CJK and
full-width punctuation, and the arrows, shapes and marks a status wall draws.
"""

BLOCKS = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 supplement (°, ±, ×, ·)
    (0x2010, 0x205E),  # general punctuation (–, —, …, ‰)
    (0x2100, 0x218F),  # letterlike and number forms (℃, №, Ⅳ)
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators (≥, ≤, ≠)
    (0x2460, 0x24FF),  # enclosed alphanumerics (①)
    (0x2500, 0x25FF),  # box drawing, blocks, geometric shapes (●, ▲, ■)
    (0x2600, 0x27BF),  # miscellaneous symbols and dingbats (★, ⚠, ✓)
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF01, 0xFF5E),  # full-width ASCII
    (0xFFE0, 0xFFE6),  # full-width currency signs
]


def gb2312_chars():
    """Yield every character encodable in GB2312 (rows 1-87)."""
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                yield bytes([row, cell]).decode("gb2312")
            except UnicodeDecodeError:
                continue


def main():
    chars = {chr(c) for lo, hi in BLOCKS for c in range(lo, hi + 1)}
    chars.update(gb2312_chars())
    with open("charset.txt", "w", encoding="utf-8") as out:
        out.write("".join(sorted(chars)))
    print(f"{len(chars)} characters")


if __name__ == "__main__":
    main()
