"""``deckbuild serve``: the only owner of the preview server and the file watcher.

Decks are built by :func:`deckbuild.build.build`, one deck at a time, into a private temporary folder
(never the user's ``site/``). starlette serves that folder through uvicorn; watchfiles reports saves; a
websocket tells every open page of a rebuilt deck to reload, or to show the build error over the last
good deck.  The reload script is added to pages as they are served, never to the files on disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import signal
import socket
import tempfile
import threading
import time
import traceback
import uuid
import webbrowser
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import FrameType
from typing import Any

from .build import BuiltDeck, build, find_decks
from .compile.themes import find_themes_dir
from .errors import DeckError
from .settings import find_settings

PREFIX = "/.deckbuild-serve"  # a deck's slug never starts with a dot, so no deck can take this name
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
STEP_MS = 50  # watchfiles: changes this close together are one batch (an editor's double write)
DEBOUNCE_MS = 1600  # watchfiles: a batch of changes that keep coming is cut after this long

_INTERNAL = "internal error: this is a bug in deckbuild (run again with --debug for details)"

Say = Callable[[str], None]


@dataclass
class DeckState:
    """One deck being previewed: its file, its last good build and its current error, if any."""

    path: Path
    slug: str
    version: int = 0
    built: BuiltDeck | None = None
    error: str | None = None
    gone: bool = False


@dataclass
class Notice:
    """What the open pages of one deck (slug ``""``: the index) should do: reload, show an error, or move."""

    slug: str
    kind: str
    message: str = ""


@dataclass
class Preview:
    """The decks under preview, built into ``site``.  Not thread-safe: one refresh at a time."""

    target: Path
    site: Path
    theme: str | None = None
    say: Say = print
    warn: Say = print
    debug: bool = False
    decks: dict[Path, DeckState] = field(default_factory=dict)
    instance: str = field(default_factory=lambda: uuid.uuid4().hex[:8])

    @property
    def folder(self) -> Path:
        """The folder the decks are in (the one deck's folder, for a single deck)."""
        return self.target if self.target.is_dir() else self.target.parent

    def watched(self) -> list[Path]:
        """The folders to watch: the decks' folder (images live below it) and the project's themes/."""
        roots = [self.folder.resolve()]
        themes = find_themes_dir(self.folder / "deck.md")
        if themes is not None and not themes.resolve().is_relative_to(roots[0]):
            roots.append(themes.resolve())
        return roots

    def version(self, state: DeckState) -> str:
        """The version a page shows: this server's id and the deck's build count."""
        return f"{self.instance}-{state.version}"

    def by_slug(self, slug: str) -> DeckState | None:
        """The deck served at ``/<slug>/`` (a deleted one too, while no other deck has its name)."""
        found = [state for state in self.decks.values() if state.slug == slug]
        found.sort(key=lambda state: state.gone)
        return found[0] if found else None

    def listed(self) -> list[DeckState]:
        """The decks on the index, in file-name order."""
        return sorted((s for s in self.decks.values() if not s.gone), key=lambda s: s.path.name)

    def _sources(self) -> list[Path]:
        if self.target.is_dir():
            return [p.resolve() for p in find_decks([self.target])]
        return [self.target.resolve()] if self.target.is_file() else []

    def refresh(self, changed: set[Path] | None = None) -> list[Notice]:
        """Rebuild the decks that ``changed`` (paths; None: all) touches; say what open pages should do."""
        notices: list[Notice] = []
        sources = self._sources()
        removed = [s for path, s in self.decks.items() if path not in sources and not s.gone]
        added = [path for path in sources if path not in self.decks or self.decks[path].gone]
        for state in removed:
            state.gone = True
            self.say(f"no longer served: {_shown(state.path)} (deleted or renamed)")
            notices.append(Notice(state.slug, "error", f"{_shown(state.path)}: this deck was deleted or renamed"))
        for path in added:
            self.decks[path] = DeckState(path, path.stem)
        if len(removed) == 1 and len(added) == 1:
            notices[-1] = Notice(removed[0].slug, "moved", f"/{self.decks[added[0]].slug}/")
        slugs: dict[str, Path] = {}
        for path in sources:
            state = self.decks[path]
            other = slugs.setdefault(state.slug, path)
            if other != path:
                clash = f"two decks would be served at /{state.slug}/ (the other is {_shown(other)})"
                notices.extend(self._failed(state, clash))
                continue
            if changed is None or path in added or self._touches(state, changed):
                notices.extend(self._build(state, force=changed is not None and self._reload(state, changed)))
        if notices or added:
            notices.append(Notice("", "reload"))
        return notices

    def _touches(self, state: DeckState, changed: set[Path]) -> bool:
        """Whether a change to these paths can change this deck's build."""
        if state.error is not None or state.path in changed or state.built is None:
            return True
        built = state.built
        used = {(state.path.parent / rel).resolve() for rel in built.page.files}
        return bool(used & changed) or self._uses_theme(state, changed)

    def _reload(self, state: DeckState, changed: set[Path]) -> bool:
        """Whether open pages must reload, whatever the new HTML: a file the deck uses changed.

        An image keeps its URL (the browser would show the old one from its cache), and a theme's files
        are shared (``deckbuild-assets/themes/``), so the deck's own folder may not even change.
        """
        used = set() if state.built is None else {(state.path.parent / r).resolve() for r in state.built.page.files}
        return bool(used & changed) or self._uses_theme(state, changed)

    def _uses_theme(self, state: DeckState, changed: set[Path]) -> bool:
        """Whether a changed path is in the project's themes/ and can change this deck's look.

        Any project theme may be touched by any file there (theme.yml can name fonts, templates or
        another base); a deck on a reveal.js theme only by a project theme of the same name appearing.
        """
        themes = find_themes_dir(state.path)
        if themes is None or state.built is None:
            return False
        theme = state.built.look.theme
        root = themes.resolve() if theme.folder is not None else themes.resolve() / theme.name
        return any(path.is_relative_to(root) for path in changed)

    def _build(self, state: DeckState, force: bool = False) -> list[Notice]:
        started = time.perf_counter()
        try:
            built = build([state.path], self.site, theme=self.theme, project=find_settings())[0]
        except DeckError as exc:
            return self._failed(state, str(exc))
        except Exception:  # a bug: keep serving, say so
            if self.debug:
                traceback.print_exc()
            return self._failed(state, _INTERNAL)
        was_broken = state.error is not None
        state.error = None
        if state.slug != built.deck.slug:
            state.slug = built.deck.slug
        if not (built.changed or force or was_broken or state.built is None):
            state.built = built
            return []
        before, state.built = state.built, built
        kind = "slides" if not force and _only_slides_differ(before, built) else "reload"
        notice = Notice(state.slug, kind, self.version(state))  # pages at this version may swap slides in place
        state.version += 1
        took = (time.perf_counter() - started) * 1000
        count = built.deck.slide_count
        self.say(f"built: /{state.slug}/ ({count} slide{'s' * (count != 1)}, {took:.0f} ms)")
        return [notice]

    def _failed(self, state: DeckState, message: str) -> list[Notice]:
        if state.error == message:
            return []
        state.error = message
        self.warn(message)
        return [Notice(state.slug, "error", message)]


def _only_slides_differ(before: BuiltDeck | None, after: BuiltDeck) -> bool:
    """Whether an open page can take the new slides without a reload: the same page around them.

    (serve.js starts the highlight plugin again on new slides with code; diagrams are drawn only when
    a page loads, and scripts in slides run only then.)
    """
    if before is None or before.page.frame != after.page.frame or "mermaid" in after.page.features:
        return False
    return not any("<script" in slide.html for page in (before.page, after.page) for slide in page.slides)


def _shown(path: Path) -> str:
    return str(DeckError("", path=path)).rstrip(": ")


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (0: any free port), or a DeckError that names the port."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise DeckError(f"cannot listen on {host}: {exc.strerror or exc}", hint="check --host") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise DeckError(
                f"port {port} is already in use", hint="choose another with --port, or --port 0 for any free port"
            ) from None
        raise DeckError(f"cannot listen on {host}:{port}: {exc.strerror}", hint="check --host and --port") from None
    sock.setblocking(False)
    return sock


def url_of(sock: socket.socket) -> str:
    """The address a browser opens for this socket."""
    host, port = sock.getsockname()[:2]
    if sock.family == socket.AF_INET6:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


class _Stop:
    """SIGINT and SIGTERM: the first asks everything to stop; a second one stops at once."""

    def __init__(self) -> None:
        self.requested = threading.Event()
        self.callbacks: list[Callable[[], None]] = []

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.requested.is_set():
            raise KeyboardInterrupt
        self.requested.set()
        for callback in self.callbacks:
            callback()

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        previous = {sig: signal.signal(sig, self) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def serve(
    target: Path | None,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    theme: str | None = None,
    open_browser: bool = False,
    say: Say = print,
    warn: Say = print,
    debug: bool = False,
    shots: bool = False,
    browser_path: Path | None = None,
) -> None:
    """Build the decks at ``target`` (default: ``decks/``), serve them and rebuild on save until a signal."""
    if target is None:
        target = Path("decks")
        if not target.is_dir():
            find_decks([])  # raises the error build gives for a folder with no decks/
    elif not target.exists():
        raise DeckError("no such deck or folder", path=target)
    stop = _Stop()
    with stop.installed():
        sock = bind(host, port)
        try:
            if host not in LOCAL_HOSTS:
                warn(f"warning: serving on {host}: anyone who can reach this machine can see these decks")
            with tempfile.TemporaryDirectory(prefix="deckbuild-serve-") as private:
                preview = Preview(target, Path(private) / "site", theme, say, warn, debug)
                say(f"building into {preview.site}")
                preview.refresh()
                if not stop.requested.is_set():
                    live = (Path(private) / "shots-site", browser_path) if shots else None
                    asyncio.run(_run(preview, sock, stop, open_browser, live))
        finally:
            sock.close()
    say("stopped")


async def _run(
    preview: Preview,
    sock: socket.socket,
    stop: _Stop,
    open_browser: bool,
    live: tuple[Path, Path | None] | None = None,
) -> None:
    """Serve until stopped; with ``live`` (a private folder and a browser path), keep slide images up to date."""
    import uvicorn
    import watchfiles

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield  # serve() handles SIGINT and SIGTERM itself, and exits 0 on them

    loop = asyncio.get_running_loop()
    stopped = asyncio.Event()
    hub = _Hub(preview)
    config = uvicorn.Config(
        _app(preview, hub),
        log_config=None,
        log_level="warning",
        access_log=False,
        lifespan="off",
        ws="websockets-sansio",
        timeout_graceful_shutdown=1,
    )
    server = Server(config)

    def request_stop() -> None:
        server.should_exit = True
        loop.call_soon_threadsafe(stopped.set)

    stop.callbacks.append(request_stop)
    if stop.requested.is_set():
        return

    async def watch() -> None:
        async for changes in watchfiles.awatch(
            *preview.watched(), stop_event=stopped, step=STEP_MS, debounce=DEBOUNCE_MS, rust_timeout=500
        ):
            paths = {Path(path) for _, path in changes}
            try:
                notices = await asyncio.to_thread(preview.refresh, paths)
            except Exception:  # a bug, or the folder vanished mid-listing: keep serving, keep watching
                if preview.debug:
                    traceback.print_exc()
                preview.warn(_INTERNAL)
                continue
            await hub.tell(notices)
            if shooter is not None:
                shooter.want(_rebuilt(preview, notices))

    async def announce() -> None:
        while not server.started and not stopped.is_set():
            await asyncio.sleep(0.02)
        url = url_of(sock)
        preview.say(f"serving {_shown(preview.target)} at {url} (Ctrl-C to stop)")
        if open_browser:
            await asyncio.to_thread(webbrowser.open, url)

    shooter = None
    tasks = []
    if live is not None:
        from .browser.live import LiveShots

        shooter = LiveShots(live[0], preview.say, preview.warn, live[1])
        shooter.want(state.path for state in preview.listed() if state.built is not None and state.error is None)
        tasks.append(asyncio.create_task(shooter.run()))
    watcher = asyncio.create_task(watch())
    announcer = asyncio.create_task(announce())
    await server.serve(sockets=[sock])
    stopped.set()
    announcer.cancel()
    for task in tasks:
        task.cancel()
    await asyncio.gather(watcher, announcer, *tasks, return_exceptions=True)


def _rebuilt(preview: Preview, notices: list[Notice]) -> list[Path]:
    """The decks these notices say were rebuilt, and built well."""
    states = [preview.by_slug(n.slug) for n in notices if n.slug and n.kind in ("slides", "reload")]
    return [s.path for s in states if s is not None and not s.gone and s.error is None and s.built is not None]


class _Hub:
    """The open pages, by deck slug, each with its websocket."""

    def __init__(self, preview: Preview) -> None:
        self.preview = preview
        self.pages: dict[str, set[Any]] = {}

    def first_notice(self, slug: str, version: str) -> Notice | None:
        """What a page that just connected must do, given the version of the deck it shows."""
        if slug == "":
            return Notice("", "reload") if version != self.preview.instance else None
        state = self.preview.by_slug(slug)
        if state is None:
            return Notice(slug, "error", f"no deck is served at /{slug}/ any more")
        if state.gone:
            return Notice(slug, "error", f"{_shown(state.path)}: this deck was deleted or renamed")
        if state.built is not None and version != self.preview.version(state):
            return Notice(slug, "reload")
        if state.error is not None:
            return Notice(slug, "error", state.error)
        return None

    def message(self, notice: Notice) -> str:
        """The JSON a page gets: what to do, the error or where to go, and the deck's version now."""
        state = self.preview.by_slug(notice.slug)
        version = self.preview.version(state) if state is not None else self.preview.instance
        return json.dumps({"type": notice.kind, "message": notice.message, "version": version})

    async def tell(self, notices: list[Notice]) -> None:
        for notice in notices:
            message = self.message(notice)
            for websocket in list(self.pages.get(notice.slug, ())):
                with contextlib.suppress(Exception):  # a page that just closed
                    await websocket.send_text(message)


def _client_tag(slug: str, version: str) -> str:
    return f'<script src="{PREFIX}/client.js" data-deck="{slug}" data-version="{version}"></script>\n'


def inject(html: str, tag: str) -> str:
    """The page with ``tag`` added just before ``</body>`` (at the end if it has none)."""
    at = html.rfind("</body>")
    return html + tag if at < 0 else html[:at] + tag + html[at:]


def _app(preview: Preview, hub: _Hub) -> Any:
    import jinja2
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, Response
    from starlette.routing import Mount, Route, WebSocketRoute
    from starlette.staticfiles import StaticFiles
    from starlette.websockets import WebSocket

    class _Revalidated(StaticFiles):
        """The built files, which the browser must check again on every use (they change on save)."""

        def file_response(self, *args: Any, **kwargs: Any) -> Response:
            response = super().file_response(*args, **kwargs)
            response.headers["Cache-Control"] = "no-cache"
            return response

    templates = jinja2.Environment(
        loader=jinja2.PackageLoader("deckbuild", "templates"), autoescape=jinja2.select_autoescape(default=True)
    )
    client = resources.files("deckbuild").joinpath("static/serve.js").read_text(encoding="utf-8")
    no_cache = {"Cache-Control": "no-store"}

    async def index(request: Request) -> Response:
        html = templates.get_template("serve-index.html.j2").render(decks=preview.listed(), target=preview.target)
        return HTMLResponse(inject(html, _client_tag("", preview.instance)), headers=no_cache)

    async def deck(request: Request) -> Response:
        slug = request.path_params["slug"]
        state = preview.by_slug(slug)
        if state is None:
            return HTMLResponse("Not Found", status_code=404)
        page = preview.site / slug / "index.html"
        if state.built is not None and page.is_file():
            html = page.read_text(encoding="utf-8")
        else:
            html = templates.get_template("serve-broken.html.j2").render(slug=slug)
        return HTMLResponse(inject(html, _client_tag(slug, preview.version(state))), headers=no_cache)

    async def script(request: Request) -> Response:
        return Response(client, media_type="text/javascript", headers=no_cache)

    async def pages(websocket: WebSocket) -> None:
        slug = websocket.query_params.get("deck", "")
        await websocket.accept()
        hub.pages.setdefault(slug, set()).add(websocket)
        try:
            first = hub.first_notice(slug, websocket.query_params.get("version", ""))
            if first is not None:
                await websocket.send_text(hub.message(first))
            async for _ in websocket.iter_text():
                pass
        except asyncio.CancelledError:
            pass  # the server is stopping and uvicorn cancels open sockets: end quietly, no traceback
        finally:
            hub.pages[slug].discard(websocket)

    return Starlette(
        routes=[
            Route("/", index),
            Route(f"{PREFIX}/client.js", script),
            WebSocketRoute(f"{PREFIX}/ws", pages),
            Route("/{slug}/", deck),
            Route("/{slug}/index.html", deck),
            Mount("/", _Revalidated(directory=preview.site, html=True, check_dir=False)),
        ]
    )
