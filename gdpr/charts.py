"""Server-rendered, accessible SVG charts (no JavaScript): the numbers also go in a table."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# Colour-blind-safe (Okabe–Ito) plus two greys; the legend and the table carry the meaning.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#666666"]


def stacked_bars(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: list[str],
    series: list[tuple[str, list[int]]],
) -> SafeString:
    """Columns per label (e.g. month), stacked by series (e.g. category), with a legend."""
    width, height, left, bottom, top = 720, 300, 40, 40, 10
    plot_h = height - bottom - top
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    peak = max([*totals, 1])
    slot = (width - left - 10) / max(len(labels), 1)
    bar_w = slot * 0.7
    rects = []
    for i in range(len(labels)):
        y = height - bottom
        for s, (name, values) in enumerate(series):
            value = values[i]
            if not value:
                continue
            h = plot_h * value / peak
            y -= h
            rects.append(
                (
                    f"{left + i * slot + (slot - bar_w) / 2:.1f}",
                    f"{y:.1f}",
                    f"{bar_w:.1f}",
                    f"{h:.1f}",
                    PALETTE[s % len(PALETTE)],
                    f"{labels[i]}: {name}: {value}",
                )
            )
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>',
        rects,
    )
    axis = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="middle">{}</text>',
        (
            (f"{left + i * slot + slot / 2:.1f}", height - bottom + 16, label)
            for i, label in enumerate(labels)
        ),
    )
    ticks = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end">{}</text>',
        (
            (left - 6, f"{height - bottom - plot_h * v / peak + 4:.1f}", v)
            for v in sorted({0, peak})
        ),
    )
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
        w=width,
        h=height,
        id=chart_id,
        title=title,
        desc=description,
        left=left,
        base=height - bottom,
        bars=bars,
        axis=axis,
        ticks=ticks,
        legend=legend,
    )
