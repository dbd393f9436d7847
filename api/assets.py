"""The files served at /static, from an allow-list: front-end libraries installed by npm (the project's
package.json and package-lock.json, `npm ci` in `make install`; the lockfile pins each by its integrity hash)
and our pages' own scripts and styles (api/web/). Nothing else of node_modules is served, and nothing is fetched
at run time.
"""

from __future__ import annotations

from pathlib import Path

import settings

WEB = Path(__file__).with_name("web")
# Served name -> file inside node_modules.
VENDOR = {
    "graphiql.min.js": "graphiql/graphiql.min.js",
    "graphiql.min.css": "graphiql/graphiql.min.css",
    "react.production.min.js": "react/umd/react.production.min.js",
    "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
    "cytoscape.min.js": "cytoscape/dist/cytoscape.min.js",
    "echarts.min.js": "echarts/dist/echarts.min.js",
}
OWN_SUFFIXES = (".js", ".css", ".svg")
MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}


def node_modules() -> Path:
    return settings.app().node_modules


def path_of(name: str) -> Path | None:
    """The file served as /static/<name>, or None when the name is not on the list."""
    if name in VENDOR:
        return node_modules() / VENDOR[name]
    own = WEB / name
    if "/" not in name and name.endswith(OWN_SUFFIXES) and own.is_file():
        return own
    return None


def missing() -> list[str]:
    """Served names whose file is not installed (run `npm ci`)."""
    return [name for name, inside in VENDOR.items() if not (node_modules() / inside).is_file()]


def page(name: str) -> str:
    """One of our HTML pages (api/web/<name>.html)."""
    return (WEB / f"{name}.html").read_text(encoding="utf-8")
