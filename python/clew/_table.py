"""Tables of strings as markdown or aligned text, for the reports."""

from __future__ import annotations

from collections.abc import Sequence


def markdown_table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub markdown table: the header, its rule, one line per row."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def text_table(head: Sequence[str], rows: Sequence[Sequence[str]], group_first: bool = False) -> str:
    """Columns padded to their widest cell under a dashed rule;
    ``group_first``: a blank line wherever the first column changes."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip(), "  ".join("-" * w for w in widths)]
    prev = None
    for r in rows:
        if group_first and prev is not None and r[0] != prev:
            lines.append("")
        prev = r[0]
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    return "\n".join(lines)
