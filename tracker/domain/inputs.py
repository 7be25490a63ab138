"""Reading numbers that arrive as text: query parameters, headers, hidden form fields."""

__all__ = ["whole_number"]

# More digits than any id, version or limit here has; also keeps int() far from its 4,300-digit refusal.
_MAX_DIGITS = 19


def whole_number(text, low=0, high=2**63 - 1):
    """`text` as an int when it is plain ASCII digits from `low` to `high`, else None.

    `str.isdigit()` alone is not enough: it accepts digits int() refuses ("²") and strings so long that int()
    refuses them, and either ended in a 500.
    """
    if not isinstance(text, str) or not text.isascii() or not text.isdigit() or len(text) > _MAX_DIGITS:
        return None
    number = int(text)
    return number if low <= number <= high else None
