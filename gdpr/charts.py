"""Server-rendered, accessible SVG charts (no JavaScript): the numbers also go in a table."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# Colour-blind-safe (Okabe–Ito) plus two greys; the legend and the table carry the meaning.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#666666"]


@dataclass(frozen=True)
class _Frame:
    """The drawing area: 720 × 300 with room for the axis labels."""

    columns: int
    peak: int
    width: int = 720
    height: int = 300
    left: int = 40
    bottom: int = 40
    top: int = 10

    @property
    def plot_height(self) -> float:
        return self.height - self.bottom - self.top

    @property
    def base(self) -> int:
        return self.height - self.bottom

    @property
    def slot(self) -> float:
        return (self.width - self.left - 10) / max(self.columns, 1)

    def bar_height(self, value: int) -> float:
        return self.plot_height * value / self.peak


def _bars(frame: _Frame, labels: list[str], series: list[tuple[str, list[int]]]) -> SafeString:
    bar_width = frame.slot * 0.7
    rects = []
    for i, label in enumerate(labels):
        y = frame.base
        for s, (name, values) in enumerate(series):
            if not values[i]:
                continue
            height = frame.bar_height(values[i])
            y -= height
            x = frame.left + i * frame.slot + (frame.slot - bar_width) / 2
            colour = PALETTE[s % len(PALETTE)]
            rects.append((f"{x:.1f}", f"{y:.1f}", f"{bar_width:.1f}", f"{height:.1f}", colour,
                          f"{label}: {name}: {values[i]}"))  # fmt: skip
    return format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>',
        rects,
    )


def _axes(frame: _Frame, labels: list[str]) -> tuple[SafeString, SafeString]:
    axis = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle">{}</text>',
        (
            (f"{frame.left + i * frame.slot + frame.slot / 2:.1f}", frame.base + 16, label)
            for i, label in enumerate(labels)
        ),
    )
    ticks = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end">{}</text>',
        (
            (frame.left - 6, f"{frame.base - frame.bar_height(v) + 4:.1f}", v)
            for v in sorted({0, frame.peak})
        ),
    )
    return axis, ticks


def stacked_bars(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: list[str],
    series: list[tuple[str, list[int]]],
) -> SafeString:
    """Columns per label (e.g. month), stacked by series (e.g. category), with a legend."""
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    frame = _Frame(columns=len(labels), peak=max([*totals, 1]))
    axis, ticks = _axes(frame, labels)
    legend = format_html_join(
        "",
        '<li class="list-inline-item"><svg width="12" height="12" aria-hidden="true">'
        '<rect width="12" height="12" fill="{}"/></svg> {}</li>',
        ((PALETTE[s % len(PALETTE)], name) for s, (name, _) in enumerate(series)),
    )
    return format_html(
        '<figure class="chart"><svg viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        '<line x1="{left}" y1="{base}" x2="{w}" y2="{base}" stroke="#212529"/>{bars}{axis}{ticks}'
        '</svg><figcaption><ul class="chart-legend list-inline small">{legend}</ul>'
        "</figcaption></figure>",
        w=frame.width,
        h=frame.height,
        id=chart_id,
        title=title,
        desc=description,
        left=frame.left,
        base=frame.base,
        bars=_bars(frame, labels, series),
        axis=axis,
        ticks=ticks,
        legend=legend,
    )
