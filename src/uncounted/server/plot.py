"""A small server-drawn SVG of estimates: for each stratum the documented count (a square) and the
estimate (a dot) with its interval (a bar), on one shared axis starting at zero."""

from __future__ import annotations

import html
import json
import math
from typing import Any

WIDTH = 760
ROW = 30
LEFT = 230
RIGHT = 40
TOP = 40


def stratum_label(row: dict[str, Any]) -> str:
    stratum = row.get("stratum")
    if stratum in (None, "all", {}):
        label = "all (combined)"
    elif isinstance(stratum, dict):
        label = ", ".join(f"{k}={v}" for k, v in stratum.items())
    else:
        label = json.dumps(stratum) if not isinstance(stratum, str) else stratum
    return f"{row.get('method')}: {label}"


def estimates_svg(rows: list[dict[str, Any]], max_rows: int = 30) -> str:
    rows = [r for r in rows if r.get("estimate") is not None or r.get("observed") is not None][:max_rows]
    height = TOP + ROW * max(1, len(rows)) + 50
    synthetic = any(r.get("synthetic") for r in rows)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
           f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="Estimates with intervals" '
           'font-family="sans-serif" font-size="12">',
           f'<rect width="{WIDTH}" height="{height}" fill="#fff"/>']
    title = "Documented count (square) and estimate with interval (dot and bar)"
    if synthetic:
        title = "SYNTHETIC DATA: " + title
    out.append(f'<text x="10" y="20" font-size="13" font-weight="bold">{html.escape(title)}</text>')
    if not rows:
        out.append(f'<text x="10" y="{TOP + 15}">No estimates yet.</text></svg>')
        return "".join(out)
    top = max(max(_f(r.get("interval_high")), _f(r.get("estimate")), _f(r.get("observed"))) for r in rows) or 1.0
    step = nice_step(top / 5)
    axis_top = step * math.ceil(top / step)
    scale = (WIDTH - LEFT - RIGHT) / axis_top

    def x(value: float) -> float:
        return LEFT + value * scale

    for i, row in enumerate(rows):
        y = TOP + ROW * i + ROW / 2
        label = stratum_label(row)
        out.append(f'<text x="{LEFT - 8}" y="{y + 4}" text-anchor="end">{html.escape(label[:38])}</text>')
        lo, hi, est, obs = (row.get("interval_low"), row.get("interval_high"), row.get("estimate"),
                            row.get("observed"))
        if lo is not None and hi is not None:
            out.append(f'<line x1="{x(lo):.1f}" x2="{x(hi):.1f}" y1="{y}" y2="{y}" stroke="#1f4e79" stroke-width="3"/>')
        if est is not None:
            out.append(f'<circle cx="{x(est):.1f}" cy="{y}" r="5" fill="#1f4e79"><title>estimate {est:,.0f}'
                       f'{f" ({lo:,.0f} to {hi:,.0f})" if lo is not None and hi is not None else ""}</title></circle>')
        if obs is not None:
            out.append(f'<rect x="{x(obs) - 4:.1f}" y="{y - 4}" width="8" height="8" fill="#b35900">'
                       f'<title>documented {obs:,}</title></rect>')
    axis_y = TOP + ROW * len(rows) + 10
    out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{axis_y}" y2="{axis_y}" stroke="#444"/>')
    for k in range(int(round(axis_top / step)) + 1):
        value = step * k
        out.append(f'<text x="{x(value):.1f}" y="{axis_y + 16}" text-anchor="middle">{value:,.0f}</text>')
    out.append("</svg>")
    return "".join(out)


def nice_step(raw: float) -> float:
    """1, 2 or 5 times a power of ten, at least ``raw``."""
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * power >= raw:
            return float(m * power)
    return 10.0 * power


def _f(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0
