"""The Office Open XML layer under the workbook reader and write-back, one module per concern.

- ``cells``: ``CellPos`` and the one parser and formatter of A1 references; ``formula``: what a
  formula cell holds;
- ``xml``: reading parts (ElementTree, DTD refused) and OOXML's ``_xHHHH_`` escapes;
- ``package``: the zip package and its relationships, read;
- ``partedit``: parts parsed for editing and written back (lxml), relationships and content types
  edited;
- ``workbook``, ``strings``, ``styles``: workbook.xml, shared strings, date formats;
- ``sheetread``: cell values of a worksheet; ``sheetedit``: setting cells, dropping rows,
  hyperlinks; ``comments``: notes (comments part and VML drawing); ``theme``: the theme part
  a workbook must have;
- ``zipwrite``: the package written back, untouched parts copied as stored.

Nothing here knows the annual report: ``toolkit.workbook`` (the template's layout and reader)
and ``toolkit.writeback`` (what to write) sit on top.
"""
