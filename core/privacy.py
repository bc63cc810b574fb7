"""Nothing leaves the machine except a model download.

The installed MediaPipe (its native ``libmediapipe``) reports usage to Google: every task it
creates posts a usage record to ``https://play.googleapis.com/log`` from a built-in HTTP client
(libcurl) on a background thread. The library offers no switch for it (none of its options, C API
calls or the environment variables it reads turn it off); the one thing that client honours is the
standard proxy environment (``https_proxy``). So before MediaPipe is loaded, the process (and every
worker it starts, which inherit the environment) points that variable at a closed port on this
machine: the client fails at once, without even a DNS query for the host.

Headroom's own downloads are not affected: the model store opens URLs with ``download_opener``
and runs pip with ``user_environment``, both with the proxy settings the user had (kept in
``HEADROOM_USER_PROXY_ENV`` so child processes know them too).
"""

from __future__ import annotations

import json
import os
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import urllib.request

#: Where MediaPipe's usage client is sent instead: the discard port of this machine.
BLOCKED_PROXY = "http://127.0.0.1:9"
_PROXY_VARIABLES = ("https_proxy", "HTTPS_PROXY")
_BYPASS_VARIABLES = ("no_proxy", "NO_PROXY")
_INHERITED = "HEADROOM_USER_PROXY_ENV"

_lock = threading.Lock()
#: The variables as the user had them (None: unset); empty until ``keep_mediapipe_offline``.
_user_variables: dict[str, str | None] = {}


def keep_mediapipe_offline() -> None:
    """Block MediaPipe's usage logging for this process and its children (idempotent). Call
    before any MediaPipe task is created."""
    with _lock:
        if _user_variables:
            return
        inherited = os.environ.get(_INHERITED)
        if inherited is not None:  # a child of a process that did this: the user's values
            _user_variables.update(json.loads(inherited))
        else:
            for name in (*_PROXY_VARIABLES, *_BYPASS_VARIABLES):
                _user_variables[name] = os.environ.get(name)
            os.environ[_INHERITED] = json.dumps(_user_variables)
        for name in _PROXY_VARIABLES:
            os.environ[name] = BLOCKED_PROXY
        # A bypass list naming the logging host would send it direct again.
        for name in _BYPASS_VARIABLES:
            os.environ.pop(name, None)


def user_environment() -> dict[str, str]:
    """This process's environment with the user's own proxy settings: for a helper process that
    downloads for Headroom (pip fetching the model wheel)."""
    env = dict(os.environ)
    with _lock:
        for name, value in _user_variables.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
    env.pop(_INHERITED, None)
    return env


def user_proxies() -> dict[str, str]:
    """The proxies the user configured (as ``urllib.request.getproxies`` gives them)."""
    env = user_environment()
    proxies: dict[str, str] = {}
    for name, value in env.items():
        lower = name.lower()
        if value and lower.endswith("_proxy") and lower != "no_proxy":
            proxies[lower[: -len("_proxy")]] = value
    return proxies


def download_opener() -> urllib.request.OpenerDirector:
    """A urllib opener for Headroom's own downloads, through the user's own proxies."""
    # Imported here: urllib.request brings http.client, email and ssl (tens of milliseconds),
    # and only a download needs them, never a command whose models are installed.
    import urllib.request

    return urllib.request.build_opener(urllib.request.ProxyHandler(user_proxies()))
