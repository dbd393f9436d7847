"""GraphiQL's page assets, fetched once from the npm registry and served by us (no CDN at run time).

Each tarball is pinned by its SHA-256, so what we serve is exactly what was reviewed.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
import urllib.request
from pathlib import Path

import settings

REGISTRY = "https://registry.npmjs.org"
# (package, version, sha256 of the tarball, file inside the tarball, name we serve it under)
ASSETS = [
    ("react", "18.2.0", "a151f7caec911760e42b7a6f6f1dfcaba141fd11ff49e2af901a2eee0366297c",
     "package/umd/react.production.min.js", "react.production.min.js"),
    ("react-dom", "18.2.0", "20a71e86b691f860c781f3732a85c7b3c63c4d3d9a803dca9dfe6ed0eb30e2ef",
     "package/umd/react-dom.production.min.js", "react-dom.production.min.js"),
    ("graphiql", "3.8.3", "1cadb1c2ca0dc51ea71fb4bb2680e6185e83fe400c9a62ca5fb9dfb922472bbd",
     "package/graphiql.min.js", "graphiql.min.js"),
    ("graphiql", "3.8.3", "1cadb1c2ca0dc51ea71fb4bb2680e6185e83fe400c9a62ca5fb9dfb922472bbd",
     "package/graphiql.min.css", "graphiql.min.css"),
]


class AssetError(RuntimeError):
    pass


def static_dir() -> Path:
    return settings.app().home / "static"


def missing() -> list[str]:
    return [served for *_, served in ASSETS if not (static_dir() / served).exists()]


def fetch() -> Path:
    """Download and verify what is missing; returns the folder served at /static."""
    target = static_dir()
    target.mkdir(parents=True, exist_ok=True)
    tarballs: dict[tuple[str, str], bytes] = {}
    for package, version, sha256, member, served in ASSETS:
        if (target / served).exists():
            continue
        key = (package, version)
        if key not in tarballs:
            url = f"{REGISTRY}/{package}/-/{package}-{version}.tgz"
            try:
                with urllib.request.urlopen(url, timeout=60) as response:
                    tarballs[key] = response.read()
            except OSError as exc:
                raise AssetError(f"could not download {url}: {exc}") from exc
            digest = hashlib.sha256(tarballs[key]).hexdigest()
            if digest != sha256:
                raise AssetError(f"{url} has sha256 {digest}, expected {sha256}; refusing to serve it")
        with tarfile.open(fileobj=io.BytesIO(tarballs[key]), mode="r:gz") as tar:
            extracted = tar.extractfile(member)
            if extracted is None:
                raise AssetError(f"{member} is missing from {package}-{version}")
            partial = target / f"{served}.partial"
            partial.write_bytes(extracted.read())
            partial.rename(target / served)
    return target
