"""Request rates per principal: each API key and each user has its own budget, counted in the shared cache."""

from rest_framework.throttling import SimpleRateThrottle


class PrincipalRateThrottle(SimpleRateThrottle):
    scope = "principal"

    def get_cache_key(self, request, view):
        principal = request.user
        if getattr(principal, "is_api_key", False):
            ident = f"key-{principal.pk}"
        elif principal.is_authenticated:
            ident = f"user-{principal.pk}"
        else:
            ident = f"anon-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
