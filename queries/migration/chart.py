"""Migration flows as a chart (PNG or SVG bytes) for notebooks and reports.

One figure, two panels: the top corridors (origin → destination, moves) and net
migration per division (inflow − outflow; gains green, losses red).  Drawn with
matplotlib's object API (no pyplot state, safe in a server thread).  Division names
are Chinese; when no CJK font is installed the codes are drawn instead, so the chart
never shows empty boxes.

In a notebook: ``IPython.display.Image(chart(flows(driver, db, start, end)))``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from typing import Any

import polars as pl
from matplotlib import font_manager, rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from kingraph.errors import InvalidArgument
from queries.migration.trajectories import Flows

FORMATS = ("png", "svg")
CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC",
             "Microsoft YaHei", "PingFang SC", "SimHei")
GAIN, LOSS, CORRIDOR = "#1e7b34", "#b42318", "#1d5c8c"


@dataclass(frozen=True)
class ChartOptions:
    """What to draw: how many corridors and divisions, the size and the title."""

    top: int = 10
    divisions: int = 24
    width: float = 11.0  # inches
    dpi: int = 110
    title: str | None = None


@cache
def cjk_font() -> str | None:
    """The first installed font that has Chinese glyphs, or None."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def _rc(font: str | None) -> Any:
    return {"font.sans-serif": [font, "DejaVu Sans"] if font else ["DejaVu Sans"],
            "font.family": "sans-serif", "svg.hashsalt": "kingraph"}


def _label(code: str, name: str | None, font: str | None) -> str:
    return name or code if font else code


def _corridors(ax: Axes, flows: Flows, opts: ChartOptions, font: str | None) -> None:
    rows = flows.od.head(opts.top).to_dicts()[::-1]
    labels = [f"{_label(r['origin'], r['origin_name'], font)} → "
              f"{_label(r['destination'], r['destination_name'], font)}" for r in rows]
    ax.barh(range(len(rows)), [r["moves"] for r in rows], color=CORRIDOR)
    ax.set_yticks(range(len(rows)), labels)
    ax.set_xlabel("moves" if not font else "迁移人次")
    ax.set_title("Top corridors" if not font else "主要迁移通道")


def _net(ax: Axes, flows: Flows, opts: ChartOptions, font: str | None) -> None:
    rows = flows.net.sort("net", descending=True).head(opts.divisions).to_dicts()[::-1]
    ax.barh(range(len(rows)), [r["net"] for r in rows],
            color=[GAIN if r["net"] >= 0 else LOSS for r in rows])
    ax.set_yticks(range(len(rows)), [_label(r["division"], r["name"], font) for r in rows])
    ax.axvline(0, color="#5f6c7b", linewidth=0.8)
    ax.set_xlabel("net (in − out)" if not font else "净迁入（迁入 − 迁出）")
    ax.set_title("Net migration" if not font else "各地净迁移")


def figure(flows: Flows, options: ChartOptions | None = None) -> Figure:
    """The flows drawn on a matplotlib figure (for callers that want to adjust it)."""
    opts = options or ChartOptions()
    font = cjk_font()
    rows = max(min(opts.top, flows.od.height), min(opts.divisions, flows.net.height), 1)
    with rc_context(_rc(font)):
        fig = Figure(figsize=(opts.width, 1.2 + 0.28 * rows), dpi=opts.dpi,
                     layout="constrained")
        left, right = fig.subplots(1, 2)
        _corridors(left, flows, opts, font)
        _net(right, flows, opts, font)
        if opts.title:
            fig.suptitle(opts.title)
    return fig


def chart(flows: Flows, fmt: str = "png", options: ChartOptions | None = None) -> bytes:
    """The flows as an image.

    Args:
        flows: From :func:`queries.migration.trajectories.flows`.
        fmt: ``png`` or ``svg``.
        options: Sizes and counts; defaults draw the top 10 corridors.

    Returns:
        The encoded image.

    Raises:
        InvalidArgument: An unknown format.
    """
    if fmt not in FORMATS:
        raise InvalidArgument("chart format must be png or svg", reason="unknown_chart_format")
    fig = figure(flows, options)
    out = io.BytesIO()
    with rc_context(_rc(cjk_font())):
        fig.savefig(out, format=fmt, metadata={"Software": None} if fmt == "png"
                    else {"Date": None})
    return out.getvalue()


def empty_flows(level: str = "county") -> Flows:
    """Flows with no moves (a period without registrations still draws)."""
    od = pl.DataFrame(schema={"origin": pl.String, "origin_name": pl.String,
                              "destination": pl.String, "destination_name": pl.String,
                              "moves": pl.Int64})
    net = pl.DataFrame(schema={"division": pl.String, "name": pl.String, "inflow": pl.Int64,
                               "outflow": pl.Int64, "net": pl.Int64})
    return Flows(level, od, net, od)
