"""The report as a web page for the 政府信息公开 column of a unit's website.

``render_page(report)`` gives one self-contained UTF-8 HTML file (no script, no outside resource,
one ``<style>``), rendered with Jinja2 (autoescaping on) from the same specification and the same
displayed values as the Word report: the three tables are real ``<table>``s laid out from
``spec.TABLES``' grids with the official merged headers.
"""

from __future__ import annotations

from .page import page_tables, render_page

__all__ = ["page_tables", "render_page"]
