"""``output/report.html``: one self-contained page (no network, charts as inline SVG) that shows what
the run found, what it fixed and what is still wrong. Deterministic: the same tables give the same bytes.
"""

from __future__ import annotations

from collections import Counter
from html import escape

_STATUS_COLOURS = {"ok": "#2e7d32", "verified": "#2e7d32", "partial": "#ef6c00", "out_of_scope": "#6d6d6d",
                   "unverifiable": "#6d6d6d", "failed": "#c62828", "contradicted": "#c62828"}
_CSS = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:1100px;color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}td,th{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4}.status{font-weight:bold}.cards{display:flex;gap:1em;flex-wrap:wrap}
.card{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:9em}.card b{font-size:1.5em;display:block}
details{margin:.3em 0}summary{cursor:pointer}svg text{font-size:11px;fill:#333}
"""


def _status(value: str) -> str:
    colour = _STATUS_COLOURS.get(value, "#222")
    return f'<span class="status" style="color:{colour}">{escape(value)}</span>'


def _table(headers: list[str], rows: list[list], raw_columns: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell if i in raw_columns else escape(str(cell))}</td>"
                                    for i, cell in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def bar_chart(title: str, items: list[tuple[str, float]], width: int = 520) -> str:
    """Horizontal bars, one per (label, value), largest first."""
    bar_height, label_width = 16, 130
    height = bar_height * len(items) + 30
    top = max((v for _, v in items), default=1) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}">',
             f"<title>{escape(title)}</title>"]
    for n, (label, value) in enumerate(items):
        y = 20 + n * bar_height
        length = (width - label_width - 40) * value / top
        parts.append(f'<text x="{label_width - 4}" y="{y + 11}" text-anchor="end">{escape(label)}</text>'
                     f'<rect x="{label_width}" y="{y + 2}" width="{length:.1f}" height="{bar_height - 4}" fill="#4a78b5"/>'
                     f'<text x="{label_width + length + 4:.1f}" y="{y + 11}">{value:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def scatter(title: str, points: list[tuple[str, float, float]], x_label: str, y_label: str,
            width: int = 560, height: int = 360) -> str:
    """Labelled points (label, x, y) on linear axes."""
    pad = 45
    if not points:
        return f"<p>{escape(title)}: no data.</p>"
    xs, ys = [p[1] for p in points], [p[2] for p in points]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)

    def sx(x):
        return pad + (width - 2 * pad) * ((x - x0) / ((x1 - x0) or 1))

    def sy(y):
        return height - pad - (height - 2 * pad) * ((y - y0) / ((y1 - y0) or 1))

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}">',
             f"<title>{escape(title)}</title>",
             f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#999"/>',
             f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="#999"/>',
             f'<text x="{width / 2}" y="{height - 10}" text-anchor="middle">{escape(x_label)} ({x0:g}–{x1:g})</text>',
             f'<text x="12" y="{height / 2}" transform="rotate(-90 12 {height / 2})" text-anchor="middle">'
             f"{escape(y_label)} ({y0:g}–{y1:g})</text>"]
    for label, x, y in points:
        parts.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3.5" fill="#c0504d"><title>{escape(label)}: '
                     f"{x:g}, {y:g}</title></circle>")
    parts.append("</svg>")
    return "".join(parts)


def heat_table(rows: list[str], columns: list[str], counts: dict[tuple[str, str], int]) -> str:
    """Counts per (row, column) as shaded cells."""
    top = max(counts.values(), default=1) or 1
    head = "<th></th>" + "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for column in columns:
            n = counts.get((row, column), 0)
            shade = int(255 - 150 * n / top)
            cells.append(f'<td style="background:rgb({shade},{shade},255);text-align:right">{n or ""}</td>')
        body.append(f"<tr><th>{escape(row)}</th>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render(tables: dict[str, list[dict]], report: dict) -> str:
    """The page: a card per headline figure, then sources, tables, charts, claims, data quality."""
    from pipeline.editions import active_editions

    editions = [e for e in active_editions() if e.table("top100") in tables or e.table("domain_top100") in tables]
    years = "/".join(sorted({str(e.year) for e in editions if e.table("top100") in tables}))
    title = f"China digital-city rankings {years}: run report" if years else "China digital-city rankings: run report"
    failed = [(name, o) for name, t in sorted(report["tables"].items()) for o in t["expectations"] if not o["success"]]
    html = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">', f"<title>{escape(title)}</title>",
            f"<style>{_CSS}</style></head><body>", f"<h1>{escape(title)}</h1>", _cards(tables, report, failed),
            _sources_section(tables["sources"]), _tables_section(report, failed), "<h2>Charts</h2>"]
    html.extend(_edition_charts(tables, edition) for edition in editions)
    html.extend([_panel_chart(tables, report), _claims_section(tables["claims"]), _quality_section(tables["data_quality"]),
                 "</body></html>"])
    return "\n".join(part for part in html if part) + "\n"


def _cards(tables: dict, report: dict, failed: list) -> str:
    statuses = Counter(s["status"] for s in tables["sources"])
    claim_statuses = Counter(c["status"] for c in tables["claims"])
    cards = [("sources ok", statuses.get("ok", 0)), ("partial", statuses.get("partial", 0)),
             ("failed", statuses.get("failed", 0)), ("tables", len(report["tables"])),
             ("failed expectations", len(failed)), ("claims verified", claim_statuses.get("verified", 0)),
             ("claims contradicted", claim_statuses.get("contradicted", 0)),
             ("data-quality records", len(tables["data_quality"]))]
    return '<div class="cards">' + "".join(f'<div class="card"><b>{v}</b>{escape(k)}</div>' for k, v in cards) + "</div>"


def _sources_section(sources: list[dict]) -> str:
    return "<h2>Sources</h2>\n" + _table(
        ["file", "format", "encoding", "script", "status", "repairs", "tables", "message"],
        [[s["file"], s["format"], s["encoding"], s["script"], _status(s["status"]),
          s["n_repairs"] if s["n_repairs"] is not None else "", s["n_tables"] if s["n_tables"] is not None else "",
          s["message"]] for s in sources], raw_columns={4})


def _tables_section(report: dict, failed: list) -> str:
    parts = ["<h2>Tables</h2>", _table(
        ["table", "rows", "expectations", "validation"],
        [[name, t["rows"], f"{sum(o['success'] for o in t['expectations'])}/{len(t['expectations'])}",
          _status("ok" if t["success"] else "failed")] for name, t in sorted(report["tables"].items())],
        raw_columns={3})]
    if failed:
        parts += ["<h3>Failed expectations</h3>", _table(
            ["table", "expectation", "observed", "unexpected", "sample"],
            [[name, o["meaning"] or o["expectation"], o["observed_value"], o["unexpected_count"],
              ", ".join(map(str, o["unexpected_sample"][:5]))] for name, o in failed])]
    return "\n".join(parts)


def _edition_charts(tables: dict, edition) -> str:
    """An edition's ranking by province and by region, and its domain lists per province."""
    parts = []
    label = f"{edition.publisher} {edition.year} top-{edition.ranking_size}"
    if edition.table("top100") in tables:
        for key in ("province", "region"):
            counts = sorted(((r[key], r["n_cities"]) for r in tables[edition.table(f"top100_by_{key}")]),
                            key=lambda kv: (-kv[1], kv[0]))
            parts.append(f"<h3>{escape(label)} by {key}</h3>" + bar_chart(f"top-{edition.ranking_size} by {key}", counts))
    domain = tables.get(edition.table("domain_top100"))
    if domain is not None:
        domains = sorted({r["domain"] for r in domain})
        provinces = sorted({r["province"] for r in domain})
        parts.append("<h3>Domain lists: cities per province</h3>"
                     + heat_table(provinces, domains, Counter((r["province"], r["domain"]) for r in domain)))
    return "\n".join(parts)


def _panel_chart(tables: dict, report: dict) -> str:
    panel = [r for r in tables.get("city_panel", []) if r["ccid_rank"] is not None and r["tahaoo_score"] is not None]
    rho = report.get("city_panel", {}).get("spearman_ccid_rank_vs_tahaoo_score")
    return (f"<h3>CCID rank against Tahaoo score (Spearman ρ {rho})</h3>"
            + scatter("CCID rank vs Tahaoo score", [(r["city"], r["ccid_rank"], r["tahaoo_score"]) for r in panel],
                      "CCID 2020 rank", "Tahaoo SMILE score"))


def _claims_section(claims: list[dict]) -> str:
    return "<h2>Claims</h2>\n" + _table(
        ["status", "source", "claim", "expected", "computed", "evidence"],
        [[_status(c["status"]), c["source_id"], c["text"], c["expected"], c["computed"], c["evidence"]]
         for c in sorted(claims, key=lambda c: (c["status"] != "contradicted", c["claim_id"]))], raw_columns={0})


def _quality_section(quality: list[dict]) -> str:
    html = ["<h2>Data quality</h2><p>Every repair, inference and unresolved value, grouped by issue.</p>"]
    groups: dict[str, list[dict]] = {}
    for record in quality:
        groups.setdefault(record["issue"], []).append(record)
    for issue, records in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        shown = records[:200]
        more = f" (first {len(shown)} shown)" if len(records) > len(shown) else ""
        html.append(f"<details><summary>{escape(issue)}: {len(records)}{more}</summary>"
                    + _table(["source", "location", "table", "raw", "resolved", "action"],
                             [[r["source_id"], r["location"], r["table"], r["raw"], r["resolved"], r["action"]]
                              for r in shown]) + "</details>")
    return "\n".join(html)
