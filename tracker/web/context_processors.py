"""What every page's header shows beyond the menu: the signed-in user's overdue deadlines and unread notifications.

Lazy, so a response that never renders the header (a download, a redirect) costs no query, and one that does
costs one (tracker.domain.my_work.header_counts)."""

from django.utils.functional import SimpleLazyObject

from tracker.domain import my_work

__all__ = ["header_counts"]


def header_counts(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"header_counts": SimpleLazyObject(lambda: my_work.header_counts(user))}
