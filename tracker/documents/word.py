"""A document outline (tracker.documents.blocks) as a Word file, with python-docx."""

import io

import docx
from docx.shared import Mm

from tracker.documents import blocks

__all__ = ["CONTENT_TYPE", "render"]

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def render(outline):
    document = docx.Document()
    document.core_properties.title = outline.title
    blocks.lay_out(outline, document, globals())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _heading(document, block):
    document.add_heading(block.text, level=block.level)


def _paragraph(document, block):
    document.add_paragraph(block.text)


def _items(document, block):
    style = "List Number" if block.numbered else "List Bullet"
    for item in block.items:
        document.add_paragraph(item, style=style)


def _table(document, block):
    table = document.add_table(rows=1, cols=len(block.header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, block.header, strict=True):
        cell.text = text
    for row in block.rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    if block.note:
        document.add_paragraph(block.note)


def _image(document, block):
    document.add_picture(io.BytesIO(block.png), width=Mm(block.width_mm))
    picture = document.inline_shapes[-1]
    picture._inline.docPr.set("descr", block.description)  # the alternative text screen readers speak


def _pagebreak(document, block):
    document.add_page_break()
