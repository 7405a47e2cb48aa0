"""The Excel door: a macro-enabled workbook whose button runs nianbao through xlwings.

``vba`` makes the workbook's VBA project from the installed xlwings and pyOpenVBA packages;
``live`` reads the open workbook through xlwings; ``apply`` writes the results back through
xlwings; ``button`` is the fixed entry point the button's macro calls.
"""
