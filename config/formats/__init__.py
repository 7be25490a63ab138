"""Date and time formats per language (FORMAT_MODULE_PATH): one unambiguous style each, used by the pages, the
admin, the emails and the briefing alike. Django's English formats write 06/01/2023, which half the world reads as
6 January."""
