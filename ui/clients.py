"""Who is calling: the client address every limit is keyed on.

The peer address of the connection, unless that peer is a configured reverse proxy: then the
address the proxy put in its header (X-Forwarded-For by default), read from the right, skipping
proxies, since everything left of the proxy's own entry was written by the client and can be forged.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

UNKNOWN = "unknown"  # no peer address (an in-process call): one shared key, limited like any other


@dataclass(frozen=True)
class ClientAddresses:
    trusted_proxies: frozenset[str] = frozenset()
    header: str = "x-forwarded-for"

    @classmethod
    def of(cls, proxies: Iterable[str], header: str) -> ClientAddresses:
        return cls(frozenset(_canonical(p) for p in proxies), header.lower())

    def address(self, peer: str | None, headers: Mapping[str, str]) -> str:
        """`headers` with lower-case names (Starlette's and Gradio's requests are case-insensitive)."""
        peer = _canonical(peer) if peer else UNKNOWN
        if peer not in self.trusted_proxies:
            return peer
        hops = [_canonical(hop) for hop in headers.get(self.header, "").split(",") if hop.strip()]
        for hop in reversed(hops):
            if hop not in self.trusted_proxies:
                return hop
        return peer

    def of_scope(self, scope: Mapping) -> str:
        """From an ASGI scope (the HTTP guard)."""
        client = scope.get("client")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", ())}
        return self.address(client[0] if client else None, headers)

    def of_request(self, request) -> str:
        """From a gr.Request (event handlers); None outside a server."""
        client = getattr(request, "client", None)
        headers = getattr(request, "headers", None) or {}
        return self.address(getattr(client, "host", None), headers)


def _canonical(address: str) -> str:
    """One spelling per address (IPv6 forms, IPv4-mapped IPv6); anything else kept as written."""
    text = address.strip()
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return text
    mapped = getattr(ip, "ipv4_mapped", None)
    return str(mapped or ip)
