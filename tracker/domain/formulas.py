"""Formulas of derived trade observations, e.g. ``[by-ru-lip-turnover-year@2021] - [by-ru-lip-exports-year@2021]``.

A formula holds only numbers, references to other observations in square brackets (``[indicator-code@period]``),
the operators ``+ - * /`` and parentheses. It is tokenised and evaluated here with Decimal arithmetic by a small
recursive-descent parser; nothing is ever handed to Python's ``eval``, so a formula stored in the database or a
seed file cannot run code.
"""

import re
from collections.abc import Mapping
from decimal import Decimal, DivisionByZero, InvalidOperation, localcontext
from typing import NamedTuple

__all__ = ["FormulaError", "Reference", "UnknownReference", "evaluate", "in_words", "references"]

_REFERENCE = re.compile(
    r"^(?P<indicator>[a-z0-9]+(?:-[a-z0-9]+)*)@(?P<period>[0-9]{4}(?:-Q[1-4]|-(?:0[1-9]|1[0-2]))?)$"
)
_TOKEN = re.compile(r"\s*(?:(?P<ref>\[[^\]]*\])|(?P<number>\d+(?:\.\d+)?)|(?P<op>[-+*/()]))")
_ALLOWED = "numbers, [indicator-code@period] references, + - * / and parentheses"


class FormulaError(ValueError):
    """The formula cannot be read or evaluated; the message says where and why."""


class UnknownReference(FormulaError):
    """A reference names an observation that does not exist."""

    def __init__(self, reference):
        self.reference = reference
        super().__init__(f"The formula refers to {reference}, which has no value.")


class Reference(NamedTuple):
    indicator: str
    period: str

    def __str__(self):
        return f"[{self.indicator}@{self.period}]"


class _Token(NamedTuple):
    kind: str  # "ref", "number" or "op"
    text: str
    position: int


def references(formula):
    """The observations `formula` refers to, in the order they appear."""
    return [_parse_reference(token) for token in _tokenise(formula) if token.kind == "ref"]


_OPERATORS_IN_WORDS = {"-": "−", "*": "×", "/": "÷", "+": "+", "(": "(", ")": ")"}


def in_words(formula, name_of):
    """`formula` as people read it: each reference by `name_of(reference)` (e.g. "exports"), the operators as
    − × ÷. "[by-ru-lip-turnover-year@2021] - [by-ru-lip-exports-year@2021]" → "turnover − exports"."""
    words = []
    for token in _tokenise(formula):
        if token.kind == "ref":
            words.append(name_of(_parse_reference(token)))
        elif token.kind == "op":
            words.append(_OPERATORS_IN_WORDS[token.text])
        else:
            words.append(token.text)
    return " ".join(words).replace("( ", "(").replace(" )", ")")


def evaluate(formula, values):
    """The value of `formula` as a Decimal.

    `values` gives the value of each reference: a mapping keyed by Reference (or an (indicator, period) tuple),
    or a callable taking a Reference that raises LookupError for one it does not know.
    """
    parser = _Parser(_tokenise(formula), _resolver(values))
    # Enough precision that rounding to cents afterwards is the only rounding a seeded figure sees.
    with localcontext() as context:
        context.prec = 34
        try:
            result = parser.expression()
        except (DivisionByZero, InvalidOperation):
            raise FormulaError(f"The formula {formula!r} divides by zero.") from None
    parser.expect_end()
    return result


def _resolver(values):
    def resolve(reference):
        try:
            value = values[reference] if isinstance(values, Mapping) else values(reference)
        except LookupError:
            raise UnknownReference(reference) from None
        return Decimal(value)

    return resolve


def _tokenise(formula):
    text = str(formula)
    tokens, position = [], 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if not match:
            start = len(text) - len(text[position:].lstrip())
            raise FormulaError(f"Unexpected {text[start]!r} at position {start + 1}: a formula holds only {_ALLOWED}.")
        kind = match.lastgroup
        tokens.append(_Token(kind, match.group(kind), match.start(kind)))
        position = match.end()
    if not tokens:
        raise FormulaError(f"The formula is empty: write it with {_ALLOWED}.")
    return tokens


def _parse_reference(token):
    match = _REFERENCE.match(token.text[1:-1].strip())
    if not match:
        raise FormulaError(
            f"{token.text} at position {token.position + 1} is not a reference: write [indicator-code@period], "
            "e.g. [by-ru-lip-turnover-year@2021] or [by-ru-lip-turnover-quarter@2023-Q1]."
        )
    return Reference(match["indicator"], match["period"])


class _Parser:
    """expression := term (("+" | "-") term)* ; term := factor (("*" | "/") factor)* ;
    factor := ("+" | "-") factor | number | reference | "(" expression ")"
    """

    def __init__(self, tokens, resolve):
        self.tokens, self.resolve, self.index = tokens, resolve, 0

    def peek(self):
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self):
        token = self.peek()
        if token is None:
            raise FormulaError("The formula ends too early: an operand or ')' is missing.")
        self.index += 1
        return token

    def expect_end(self):
        token = self.peek()
        if token is not None:
            raise FormulaError(f"Unexpected {token.text!r} at position {token.position + 1}.")

    def _next_is(self, *operators):
        token = self.peek()
        return token is not None and token.kind == "op" and token.text in operators

    def expression(self):
        value = self.term()
        while self._next_is("+", "-"):
            operator = self.take().text
            operand = self.term()
            value = value + operand if operator == "+" else value - operand
        return value

    def term(self):
        value = self.factor()
        while self._next_is("*", "/"):
            operator = self.take().text
            operand = self.factor()
            value = value * operand if operator == "*" else value / operand
        return value

    def factor(self):
        token = self.take()
        if token.kind == "number":
            return Decimal(token.text)
        if token.kind == "ref":
            return self.resolve(_parse_reference(token))
        if token.text in ("+", "-"):
            operand = self.factor()
            return operand if token.text == "+" else -operand
        if token.text == "(":
            value = self.expression()
            closing = self.take()
            if closing.text != ")":
                raise FormulaError(f"Expected ')' at position {closing.position + 1}, found {closing.text!r}.")
            return value
        raise FormulaError(f"Unexpected {token.text!r} at position {token.position + 1}: an operand is missing.")
