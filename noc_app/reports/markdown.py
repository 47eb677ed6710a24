"""A document as Markdown (GitHub-flavoured tables); images become PNG files beside it."""

from __future__ import annotations

from noc_app.reports.document import Document, Facts, Image, Paragraph, Rules, Table


def _cell(value: str) -> str:
    # A pipe ends a cell and a newline ends the row: keep both as text.
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "\n").replace("\n", "<br>")


def _table(table: Table) -> list[str]:
    lines = [f"**{table.caption}**", ""] if table.caption else []
    lines.append("| " + " | ".join(_cell(h) for h in table.headers) + " |")
    lines.append("|" + "|".join("---:" if i in table.numeric else "---" for i in range(len(table.headers))) + "|")
    lines.extend("| " + " | ".join(_cell(v) for v in row) + " |" for row in table.rows)
    if not table.rows:
        lines.append("| " + " | ".join(["*none*"] + [""] * (len(table.headers) - 1)) + " |")
    return lines + [""]


def to_markdown(document: Document, image_name: str = "image") -> tuple[str, dict[str, bytes]]:
    """(text, {file name: PNG bytes}); the caller writes the images beside the text."""
    images: dict[str, bytes] = {}
    lines = [f"# {document.title}", ""]
    if document.subtitle:
        lines += [document.subtitle, ""]
    if document.banner:
        lines += [f"> **{document.banner}**", ""]
    for key, value in document.meta:
        lines.append(f"- **{key}:** {value}")
    if document.meta:
        lines.append("")
    for section in document.sections:
        lines += [f"## {section.title}", ""]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                text = block.text
                lines += [f"> **Note:** {text}" if block.tone == "warning" else (f"*{text}*" if block.tone == "note" else text), ""]
            elif isinstance(block, Facts):
                lines += [f"- **{k}:** {v}" for k, v in block.items] + [""]
            elif isinstance(block, Table):
                lines += _table(block)
            elif isinstance(block, Image):
                name = f"{image_name}-{len(images) + 1}.png"
                images[name] = block.png
                lines += [f"![{block.alt}]({name})", ""]
                if block.caption:
                    lines += [f"*{block.caption}*", ""]
            elif isinstance(block, Rules):
                lines += [f"**{block.title}**", ""] + [f"- {item}" for item in block.items] + [""]
    footer = f"{document.footer} · " if document.footer else ""
    lines.append(f"---\n{footer}Generated {document.generated_at.isoformat(timespec='seconds')} by Vigil NOC")
    return "\n".join(lines) + "\n", images
