"""The Office Open XML layer under the workbook reader and write-back, one module per concern.

- ``cells``: ``CellPos`` and the one parser and formatter of A1 references; ``formula``: what a
  formula cell holds;
- ``xml``: reading parts (ElementTree, DTD refused) and OOXML's ``_xHHHH_`` escapes;
- ``package``: the zip package and its relationships, read;
- ``splice``: a part edited in place (expat cuts it into its tags; what is not edited is copied as
  written); ``partedit``: relationships and content types edited so, and the lxml trees of
  comments and VML parts a workbook already has;
- ``workbook``, ``strings``, ``styles``: workbook.xml, shared strings, date formats;
- ``sheetread``: cell values of a worksheet; ``sheetedit``: setting cells, dropping rows,
  hyperlinks (spliced); ``comments``: notes (comments part and VML drawing: new ones written as
  text, existing ones edited as trees); ``theme``: the theme part a workbook must have;
- ``zipwrite``: the package written back, untouched parts copied as stored.

Nothing here knows the annual report: ``toolkit.workbook`` (the template's layout and reader)
and ``toolkit.writeback`` (what to write) sit on top.
"""
