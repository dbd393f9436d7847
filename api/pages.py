"""The pages the API serves besides GraphiQL: /explore (an investigator's graph explorer) and /dashboard (a
信用办's charts), their files at /static (api/assets.py), and the division names they pick regions from.

The pages are static: they read everything through /graphql with the credential the user gives them (a sign-in
box, or `#key=…` in the address, kept in sessionStorage and sent only in the Authorization header), so the one
permission layer (api/views.py) decides what they show.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from api import assets
from graph import regions

# Our pages load only our own files: no CDN, no inline script, requests to this origin only.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


async def explore(request: Request) -> Response:
    return HTMLResponse(assets.page("explore"), headers=PAGE_HEADERS)


async def dashboard(request: Request) -> Response:
    return HTMLResponse(assets.page("dashboard"), headers=PAGE_HEADERS)


async def static(request: Request) -> Response:
    name = request.path_params["name"]
    path = assets.path_of(name)
    if path is None:
        return PlainTextResponse(f"/static/{name} is not a file of this server", status_code=404)
    if not path.is_file():
        return PlainTextResponse(f"/static/{name} is not installed on this server: run `npm ci` in the project "
                                 "folder (`make install` does)", status_code=404)
    media = assets.MEDIA_TYPES.get(path.suffix, None)
    return FileResponse(path, media_type=media, headers={"Cache-Control": "no-cache"})


async def division_names(request: Request) -> Response:
    """Every division code with its short name (GB/T 2260, public data): the dashboard's region picker."""
    return JSONResponse(regions.short_names(), headers={"Cache-Control": "max-age=86400"})


ROUTES = [
    Route("/explore", explore),
    Route("/dashboard", dashboard),
    Route("/regions.json", division_names),
    Route("/static/{name:path}", static),
]
