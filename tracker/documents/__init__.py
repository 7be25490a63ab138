"""Documents people download: the meeting file as DOCX or PDF.

`meeting_file.outline` turns what the domain read (tracker.domain.meeting_file) into a list of blocks in the
reader's language; `word` and `pdf` each only lay those blocks out, so both formats always say the same thing.
"""
