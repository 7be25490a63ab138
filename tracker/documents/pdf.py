"""A document outline (tracker.documents.blocks) as a PDF, with fpdf2 and DejaVu Sans (tracker.documents.fonts):
pure Python, no system libraries but the font file."""

import io

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from tracker.documents import blocks, fonts

__all__ = ["CONTENT_TYPE", "render"]

CONTENT_TYPE = "application/pdf"
_FONT = "DejaVu"
_HEADING_SIZES = {0: 20, 1: 15, 2: 12}
_TEXT_SIZE = 10


def render(outline):
    pdf = FPDF(format="A4")
    pdf.set_title(outline.title)
    pdf.set_creator("cooperation-tracker")
    pdf.add_font(_FONT, "", fonts.regular())
    pdf.add_font(_FONT, "B", fonts.bold())
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    blocks.lay_out(outline, pdf, globals())
    return bytes(pdf.output())


def _line(pdf, text, *, size=_TEXT_SIZE, style="", indent=0, gap=1.5):
    pdf.set_font(_FONT, style, size)
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(gap)


def _heading(pdf, block):
    pdf.ln(2)
    _line(pdf, block.text, size=_HEADING_SIZES.get(block.level, _TEXT_SIZE), style="B", gap=2)


def _paragraph(pdf, block):
    _line(pdf, block.text)


def _items(pdf, block):
    for number, item in enumerate(block.items, start=1):
        marker = f"{number}." if block.numbered else "•"
        _line(pdf, f"{marker} {item}", indent=4, gap=0.5)
    pdf.ln(1)


def _table(pdf, block):
    pdf.set_font(_FONT, "", _TEXT_SIZE - 1)
    with pdf.table(text_align="LEFT", line_height=5) as table:
        for row in (block.header, *block.rows):
            cells = table.row()
            for text in row:
                cells.cell(text)
    if block.note:
        _line(pdf, block.note, size=_TEXT_SIZE - 2)


def _image(pdf, block):
    pdf.image(io.BytesIO(block.png), w=min(block.width_mm, pdf.epw), alt_text=block.description)
    pdf.ln(2)


def _pagebreak(pdf, block):
    pdf.add_page()
