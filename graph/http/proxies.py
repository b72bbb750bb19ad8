"""Which peers may tell us the client's address: `BRAINGAIN_TRUSTED_PROXIES`, none by default.

Behind a load balancer the TCP peer is the proxy, and the client's address arrives in
`X-Forwarded-For`. Anyone can send that header, so it is believed only from the configured
proxies (addresses or networks, comma-separated); the client is then the right-most hop that
is not itself a trusted proxy (uvicorn's ProxyHeadersMiddleware). With no proxies configured,
the header is ignored and the TCP peer is the client — rate budgets key on it, so a spoofed
header cannot buy a fresh budget.
"""

import os
from typing import Any

VARIABLE = "BRAINGAIN_TRUSTED_PROXIES"


def trusted_proxies(environ: dict[str, str] | None = None) -> tuple[str, ...]:
    """The configured proxies (IP addresses or CIDR networks); empty unless set."""
    value = (os.environ if environ is None else environ).get(VARIABLE, "")
    return tuple(item.strip() for item in value.split(",") if item.strip())


def uvicorn_proxy_options(proxies: tuple[str, ...]) -> dict[str, Any]:
    """uvicorn's proxy settings for these proxies: forwarded headers off unless some are set
    (uvicorn otherwise trusts 127.0.0.1 by default)."""
    if not proxies:
        return {"proxy_headers": False, "forwarded_allow_ips": ""}
    return {"proxy_headers": True, "forwarded_allow_ips": ",".join(proxies)}
