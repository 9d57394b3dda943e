#!/usr/bin/env bash
# Rebuild the wall's bundled font subsets from Noto Sans CJK SC (SIL OFL 1.1).
# Needs Debian's fonts-noto-cjk and fonttools (pip install fonttools). Run from fonts/.
set -euo pipefail
cd "$(dirname "$0")"
python3 charset.py
for weight in Regular Bold; do
  ttc=$(dpkg -L fonts-noto-cjk | grep "/NotoSansCJK-$weight.ttc$")
  # Face 2 of the collection is Simplified Chinese. Vertical-writing tables and the
  # locl/vert features are dropped: the wall only sets horizontal SC text.
  pyftsubset "$ttc" --font-number=2 --text-file=charset.txt --no-hinting \
    --layout-features-=locl,vert,vrt2 --drop-tables+=vhea,vmtx,VORG,BASE \
    --output-file="NotoSansSC-$weight-subset.otf"
done
ls -l NotoSansSC-*-subset.otf
