"""Where webhooks may be sent: http(s) addresses of hosts on the public internet.

A webhook URL is chosen by a partner, and the server POSTs to it, so it must not become a way to reach the
server's own network (the database, a metadata service on 169.254.169.254, an admin interface on
localhost). Addresses are checked when a subscription is saved and again at every delivery; at delivery the
host is resolved once and the connection goes to the checked address, so a DNS answer that changes between
the check and the connection (DNS rebinding) cannot redirect it.

`settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS` lifts the address check (the tests' receiver is on loopback; an
installation may deliver inside its own network on purpose).

A host name is resolved within WEBHOOK_TIMEOUT: the system resolver has no time limit of its own to pass, and a
name whose DNS servers never answer (a partner may choose any) would hold the request that saves it, or the
worker, for as long as the resolver keeps retrying.
"""

import concurrent.futures
import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

__all__ = ["Target", "UnsafeAddress", "resolve", "validate_webhook_url"]

_SCHEMES = {"http": 80, "https": 443}
# Lookups run here so that waiting for one can be given up; a thread whose lookup was given up ends when the
# resolver does.
_RESOLVER = concurrent.futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="webhook-dns")


class UnsafeAddress(Exception):
    """The URL may not be delivered to; the message says why, for the attempt log and the form."""


class Target:
    """A parsed webhook URL and the one address it will be delivered to."""

    def __init__(self, url, address):
        parts = urlsplit(url)
        self.url = url
        self.scheme = parts.scheme.lower()
        self.host = parts.hostname
        self.port = parts.port or _SCHEMES[self.scheme]
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.address = address

    @property
    def host_header(self):
        default = _SCHEMES[self.scheme] == self.port
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if default else f"{host}:{self.port}"


def _parts(url):
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeAddress(_("This is not a valid URL (%(error)s).") % {"error": error}) from None
    if parts.scheme.lower() not in _SCHEMES:
        raise UnsafeAddress(_("Use an http:// or https:// URL."))
    if not parts.hostname:
        raise UnsafeAddress(_("The URL names no host."))
    if parts.username is not None or parts.password is not None:
        # The address would be stored and shown with them, and sent nowhere: the signature authenticates us.
        raise UnsafeAddress(_("Leave user name and password out of the URL; deliveries are signed instead."))
    if port == 0:
        raise UnsafeAddress(_("Port 0 cannot be connected to; give the receiver's port, or none."))
    return parts.hostname, port or _SCHEMES[parts.scheme.lower()]


# IPv6 ranges Python's is_global still calls global: 6to4 (2002::/16) carries any IPv4 address inside it, private
# ones included, and site-local (fec0::/10) addresses, deprecated, still route inside a site.
_NOT_PUBLIC_V6 = (ipaddress.ip_network("2002::/16"), ipaddress.ip_network("fec0::/10"))


def _is_public(address):
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if isinstance(ip, ipaddress.IPv6Address) and any(ip in network for network in _NOT_PUBLIC_V6):
        return False
    return ip.is_global and not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified
    )


def resolve(url):
    """The Target to deliver `url` to: every address the host resolves to must be public (unless private
    networks are allowed); the first one is used. Raises UnsafeAddress."""
    host, port = _parts(url)
    lookup = _RESOLVER.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    try:
        answers = lookup.result(timeout=settings.WEBHOOK_TIMEOUT)
    except (socket.gaierror, UnicodeError) as error:
        message = _("The host %(host)s cannot be resolved (%(error)s).") % {"host": host, "error": error}
        raise UnsafeAddress(message) from None
    except concurrent.futures.TimeoutError:
        message = _("The host %(host)s cannot be resolved: no answer within %(seconds)s seconds.") % {
            "host": host,
            "seconds": settings.WEBHOOK_TIMEOUT,
        }
        raise UnsafeAddress(message) from None
    addresses = list(dict.fromkeys(answer[4][0] for answer in answers))
    if not addresses:
        raise UnsafeAddress(_("The host %(host)s has no address.") % {"host": host})
    if not settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS:
        refused = [address for address in addresses if not _is_public(address)]
        if refused:
            raise UnsafeAddress(
                _(
                    "The host %(host)s resolves to %(address)s, a loopback, private, link-local or reserved "
                    "address; webhooks go only to public addresses."
                )
                % {"host": host, "address": refused[0]}
            )
    return Target(url, addresses[0])


def validate_webhook_url(url):
    """A form and serializer validator: the checks of `resolve`, as a ValidationError."""
    try:
        resolve(url)
    except UnsafeAddress as error:
        raise ValidationError(str(error), code="unsafe_url") from None
