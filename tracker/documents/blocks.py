"""The few kinds of block a document is made of, whatever format it is written in."""

from dataclasses import dataclass, field

__all__ = ["Document", "Heading", "Image", "Items", "PageBreak", "Paragraph", "Table", "lay_out"]


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 0 the document's title, 1 a section, 2 a part of one


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Items:
    items: tuple
    numbered: bool = False


@dataclass(frozen=True)
class Table:
    header: tuple
    rows: tuple  # tuples of cell texts, as many as the header
    note: str = ""


@dataclass(frozen=True)
class Image:
    png: bytes
    description: str  # the alternative text
    width_mm: int = 160


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass
class Document:
    title: str
    blocks: list = field(default_factory=list)


def lay_out(outline, target, writers):
    """Write each block of `outline` on `target` with the writer named after its kind: `_heading` for a Heading,
    `_pagebreak` for a PageBreak (`writers` is the format module's globals())."""
    for block in outline.blocks:
        writers[f"_{type(block).__name__.lower()}"](target, block)
