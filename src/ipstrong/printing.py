"""Documents made for paper: an HTML template of a package's ``templates`` folder, filled and made into PDF by
WeasyPrint with the Chinese fonts the install provides (fonts-noto-cjk). The notices and decisions a matter issues,
its case file and a patent's bibliographic sheet are all printed here."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape


@cache
def _environment(folder: Path) -> Environment:
    return Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(default=True))


def render_template(folder: Path, template: str, values: dict[str, Any]) -> str:
    """``folder/template.html`` filled with ``values``, escaped: the page a PDF is made of, or a document kept as
    HTML (a navigation report's file)."""
    return _environment(folder).get_template(f"{template}.html").render(**values)


def render_pdf(folder: Path, template: str, values: dict[str, Any]) -> bytes:
    """The PDF of ``folder/template.html`` filled with ``values`` (images and styles resolved beside it)."""
    from weasyprint import HTML

    return HTML(string=render_template(folder, template, values), base_url=str(folder)).write_pdf()
