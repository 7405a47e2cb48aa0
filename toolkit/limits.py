"""How much one input may take: bytes on disk, bytes when expanded, seconds to check.

A unit's report workbook is about 30 KB and is checked in well under a second. Anything far
beyond these limits is not a report (a zip bomb, a video, a link to /dev/zero, a file that sends
a reader into a loop): it becomes a line in the status list with the reason, and the batch goes on.
"""

MB = 1024 * 1024
MAX_FILE_BYTES = 100 * MB  # a file, archive member or attachment over this is never read
# What one archive or e-mail may expand to, archives inside it included. Per archive, so that
# one bomb never takes the budget of the units after it.
MAX_ARCHIVE_BYTES = 1024 * MB
COLLECT_TIMEOUT = 60.0  # seconds one file may take in ``collect`` (``--timeout``)
