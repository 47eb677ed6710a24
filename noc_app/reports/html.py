"""A document as one self-contained HTML file: styles inline, images as data URIs, no script.

The same markup feeds Qt's rich-text engine for PDF, so it sticks to what
both a browser and QTextDocument honour: tables with ``thead`` (Qt repeats
it on every page), cellpadding attributes, simple CSS.
"""

from __future__ import annotations

import base64
from html import escape

from noc_app.reports.document import Block, Document, Facts, Image, Paragraph, Rules, Table

STYLE = """
body { font-family: 'DejaVu Sans', 'Segoe UI', Arial, sans-serif; font-size: 11pt; color: #1d2430;
       margin: 24px auto; max-width: 1100px; line-height: 1.4; }
h1 { font-size: 20pt; margin: 0 0 4px 0; }
h2 { font-size: 14pt; margin: 22px 0 6px 0; border-bottom: 1px solid #9aa3ad; padding-bottom: 2px; }
p.subtitle { font-size: 12pt; color: #3c4654; margin: 0 0 10px 0; }
p.banner { font-size: 13pt; font-weight: bold; border: 2px solid #8a5a00; background: #fff4d6;
           padding: 6px 10px; }
p.note { font-size: 9pt; color: #4a5462; }
p.warning { border: 1px solid #8a5a00; background: #fff4d6; padding: 4px 8px; }
table { border-collapse: collapse; margin: 6px 0 12px 0; }
table.data { width: 100%; }
th { background: #e6e9ee; text-align: left; font-weight: bold; }
th, td { border: 1px solid #9aa3ad; vertical-align: top; }
td.num, th.num { text-align: right; }
table.facts td.label { font-weight: bold; color: #3c4654; white-space: nowrap; }
table.facts td { border: none; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
ul.rules { font-size: 9.5pt; color: #2e3744; margin-top: 2px; }
p.caption { font-size: 9pt; color: #4a5462; margin-top: 2px; }
img { max-width: 100%; }
p.footer { font-size: 8.5pt; color: #4a5462; margin-top: 28px; border-top: 1px solid #9aa3ad; padding-top: 4px; }
"""


def _text(value: str) -> str:
    """Escaped, with line breaks kept (people's notes have paragraphs)."""
    return escape(value).replace("\n", "<br>")


def _table(table: Table) -> str:
    def cell(tag: str, value: str, index: int) -> str:
        cls = ' class="num" align="right"' if index in table.numeric else ""
        return f"<{tag}{cls}>{_text(value)}</{tag}>"

    head = "".join(cell("th", h, i) for i, h in enumerate(table.headers))
    body = "".join("<tr>" + "".join(cell("td", v, i) for i, v in enumerate(row)) + "</tr>" for row in table.rows)
    caption = f"<caption>{_text(table.caption)}</caption>" if table.caption else ""
    if not table.rows:
        body = f'<tr><td colspan="{len(table.headers)}"><i>none</i></td></tr>'
    return (f'<table class="data" border="1" cellspacing="0" cellpadding="4" width="100%">{caption}'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        cls = f' class="{block.tone}"' if block.tone else ""
        return f"<p{cls}>{_text(block.text)}</p>"
    if isinstance(block, Facts):
        rows = "".join(f'<tr><td class="label">{_text(k)}</td><td>{_text(v)}</td></tr>' for k, v in block.items)
        return f'<table class="facts" cellpadding="3" cellspacing="0">{rows}</table>'
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Image):
        data = base64.b64encode(block.png).decode("ascii")
        width = f' width="{block.width_px}"' if block.width_px else ""
        caption = f'<p class="caption">{_text(block.caption)}</p>' if block.caption else ""
        return f'<p><img src="data:image/png;base64,{data}" alt="{escape(block.alt)}"{width}></p>{caption}'
    if isinstance(block, Rules):
        items = "".join(f"<li>{_text(item)}</li>" for item in block.items)
        return f"<p><b>{_text(block.title)}</b></p><ul class=\"rules\">{items}</ul>"
    raise TypeError(f"not a report block: {block!r}")


def to_html(document: Document) -> str:
    parts = [f"<h1>{_text(document.title)}</h1>"]
    if document.subtitle:
        parts.append(f'<p class="subtitle">{_text(document.subtitle)}</p>')
    if document.banner:
        parts.append(f'<p class="banner">{_text(document.banner)}</p>')
    if document.meta:
        parts.append(_block(Facts(document.meta)))
    for section in document.sections:
        style = ' style="page-break-before: always"' if section.new_page else ""
        parts.append(f"<h2{style}>{_text(section.title)}</h2>")
        parts.extend(_block(block) for block in section.blocks)
    generated = document.generated_at.isoformat(timespec="seconds")
    footer = f"{_text(document.footer)} · " if document.footer else ""
    parts.append(f'<p class="footer">{footer}Generated {escape(generated)} by Vigil NOC</p>')
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{escape(document.title)}</title><style>{STYLE}</style></head>"
            f"<body>{''.join(parts)}</body></html>\n")
