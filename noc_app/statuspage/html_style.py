"""Look of the static pages: one stylesheet inlined in every page (no request, no JavaScript).

Colour is never the only cue: every status carries an icon and its words,
and the uptime bars differ in shape too (outage days are striped and full
height, degraded days shorter, days without data a low grey stub).
"""

from __future__ import annotations

ICONS = {"operational": "✓", "degraded_performance": "▲", "partial_outage": "◆", "major_outage": "✕",
         "under_maintenance": "⚙", "no_data": "·", "none": "✓", "minor": "▲", "major": "◆", "critical": "✕"}

CSS = """
:root{--ok:#1a7f37;--deg:#9a6700;--part:#bc4c00;--major:#c11d2b;--maint:#0a5fc2;--nodata:#c9ced6;
--ink:#1c2128;--soft:#57606a;--line:#d8dee4;--bg:#f6f8fa;--card:#fff}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:860px;margin:0 auto;padding:16px;overflow-wrap:anywhere}
a{color:#0a5fc2}
h1{font-size:1.6rem;margin:8px 0 12px}
h2{font-size:1.2rem;margin:28px 0 10px}
.updated{color:var(--soft);font-size:.95rem;margin:0 0 16px}
.banner{display:flex;gap:14px;align-items:center;padding:18px 20px;border-radius:10px;color:#fff;font-size:1.35rem;font-weight:650}
.banner .icon{font-size:1.8rem;line-height:1;width:1.4em;text-align:center}
.i-none,.s-operational{background:var(--ok)}
.i-minor,.s-degraded_performance{background:var(--deg)}
.i-major,.s-partial_outage{background:var(--part)}
.i-critical,.s-major_outage{background:var(--major)}
.s-under_maintenance{background:var(--maint)}
.s-scheduled,.s-completed{background:#57606a}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;margin:10px 0}
.comp-head{display:flex;justify-content:space-between;gap:10px;flex-wrap:wrap;align-items:baseline}
.comp-name{font-weight:650;font-size:1.08rem}
.desc{color:var(--soft);font-size:.95rem;margin:2px 0 8px}
.pill{display:inline-block;padding:2px 10px;border-radius:999px;color:#fff;font-weight:600;font-size:.95rem;white-space:nowrap}
.bars{display:flex;gap:1px;height:34px;align-items:flex-end;margin:8px 0 4px}
.bars span{flex:1;min-width:1px;height:100%;border-radius:1px}
.bars .b-operational{background:var(--ok)}
.bars .b-degraded_performance{background:var(--deg);height:72%}
.bars .b-partial_outage{background:repeating-linear-gradient(135deg,var(--part) 0 3px,#fff 3px 4px)}
.bars .b-major_outage{background:repeating-linear-gradient(135deg,var(--major) 0 3px,#fff 3px 4px)}
.bars .b-under_maintenance{background:var(--maint);height:55%}
.bars .b-no_data{background:var(--nodata);height:30%}
.bar-scale{display:flex;justify-content:space-between;color:var(--soft);font-size:.85rem}
.uptime{font-weight:600}
.outages{color:var(--soft);font-size:.92rem;margin:4px 0 0}
.incident h3{margin:0 0 6px;font-size:1.1rem}
.update{border-left:4px solid var(--line);padding:4px 0 4px 12px;margin:10px 0}
.update .what{font-weight:650}
.update .when{color:var(--soft);font-size:.9rem}
.body{white-space:pre-wrap;overflow-wrap:anywhere;margin:2px 0}
.legend{color:var(--soft);font-size:.9rem;margin:14px 0 0}
.legend span{margin-right:14px;white-space:nowrap}
footer{margin:32px 0 12px;color:var(--soft);font-size:.92rem}
footer a{margin-right:14px;display:inline-block;padding:4px 0}
.month{margin-top:26px}
.empty{color:var(--soft)}
@media (max-width:480px){main{padding:10px}.banner{font-size:1.15rem;padding:14px}h1{font-size:1.35rem}}
"""
