"""queries.migration.chart: flows drawn as a valid PNG or SVG."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET

import polars as pl
import pytest

from kingraph.errors import InvalidArgument
from queries.migration.chart import ChartOptions, chart, empty_flows
from queries.migration.trajectories import Flows

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _flows() -> Flows:
    od = pl.DataFrame({"origin": ["469027", "460400", "469005"],
                       "origin_name": ["乐东黎族自治县", "儋州市", "文昌市"],
                       "destination": ["460108", "460106", "460108"],
                       "destination_name": ["美兰区", "龙华区", "美兰区"],
                       "moves": [12, 7, 3]})
    # net = inflow - outflow, from the three corridors above
    net = pl.DataFrame({"division": ["460108", "460106", "469005", "460400", "469027"],
                        "name": ["美兰区", "龙华区", "文昌市", "儋州市", "乐东黎族自治县"],
                        "inflow": [15, 7, 0, 0, 0], "outflow": [0, 0, 3, 7, 12],
                        "net": [15, 7, -3, -7, -12]})
    return Flows("county", od, net, od)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_MAGIC and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_png_is_a_png_of_the_requested_width() -> None:
    data = chart(_flows(), "png", ChartOptions(width=10.0, dpi=50))
    width, height = _png_size(data)
    assert width == 500 and height > 0  # 10 inches at 50 dpi
    assert data.rstrip().endswith(b"IEND\xaeB`\x82")


def test_svg_parses_and_has_one_bar_per_corridor_and_division() -> None:
    data = chart(_flows(), "svg")
    root = ET.fromstring(data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    # two axes: 3 corridor bars + 5 net bars, each a patch group "patch_N"
    patches = [g for g in root.iter("{http://www.w3.org/2000/svg}g")
               if (g.get("id") or "").startswith("patch_")]
    backgrounds = 1 + 2  # the figure and each axes' background
    spines = 2 * 4  # each axes' four spines
    assert len(patches) == backgrounds + spines + 3 + 5


def test_gains_and_losses_are_coloured_apart() -> None:
    text = chart(_flows(), "svg").decode()
    assert text.count("#1e7b34") == 2 and text.count("#b42318") == 3  # 2 gains, 3 losses


def test_no_moves_still_draws() -> None:
    assert chart(empty_flows(), "png")[:8] == PNG_MAGIC


def test_unknown_format_is_refused() -> None:
    with pytest.raises(InvalidArgument):
        chart(_flows(), "gif")
