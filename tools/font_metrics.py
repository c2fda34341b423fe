"""Regenerate `cluster_xl/core/font_metrics.json` from the fonts LibreOffice prints with.

Run by a developer, not at run time (the table is committed, so every machine
measures text the same way whether or not it has the fonts):

    apt-get install -y fonts-liberation2 fonts-crosextra-carlito
    pip install fonttools
    python tools/font_metrics.py

Times New Roman is measured as Liberation Serif and Calibri as Carlito: both are
metric-compatible (every glyph has the same advance width), and they are what
LibreOffice substitutes where the Microsoft fonts are absent.  The table holds
the advance width of every character a report can contain in practice (Latin,
Cyrillic, punctuation, the status marks), in 1/2048 em, and the line height
LibreOffice uses (the font's Windows ascent plus descent).
"""

from __future__ import annotations

import json
from pathlib import Path

from fontTools.ttLib import TTFont

FONTS = {
    "Times New Roman": "/usr/share/fonts/truetype/liberation2/LiberationSerif-{}.ttf",
    "Calibri": "/usr/share/fonts/truetype/crosextra/Carlito-{}.ttf",
}
FACES = {"regular": "Regular", "bold": "Bold", "italic": "Italic", "bold_italic": "BoldItalic"}
RANGES = [(0x20, 0x7E), (0xA0, 0xFF), (0x400, 0x45F), (0x2010, 0x2044), (0x2116, 0x2116),
          (0x2190, 0x2199), (0x2212, 0x2212), (0x25A0, 0x25FF)]
UNITS = 2048
OUT = Path(__file__).resolve().parent.parent / "cluster_xl" / "core" / "font_metrics.json"


def face(path: str) -> dict:
    font = TTFont(path)
    scale = UNITS / font["head"].unitsPerEm
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    chars = [chr(c) for lo, hi in RANGES for c in range(lo, hi + 1) if c in cmap]
    os2 = font["OS/2"]
    return {
        "line": round((os2.usWinAscent + os2.usWinDescent) * scale),
        "chars": "".join(chars),
        "widths": [round(hmtx[cmap[ord(ch)]][0] * scale) for ch in chars],
    }


def main() -> None:
    table = {"units_per_em": UNITS,
             "fonts": {name: {key: face(pattern.format(suffix)) for key, suffix in FACES.items()}
                       for name, pattern in FONTS.items()}}
    OUT.write_text(json.dumps(table, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT}: {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
