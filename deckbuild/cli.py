"""The command line: parses flags, calls the library, reports.  The only place errors are caught."""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import DeckError, display_path, shown
from .settings import describe, find_settings


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version``: deckbuild's and the browser assets actually found (looked up only when asked)."""
    if not value or ctx.resilient_parsing:
        return
    from .compile.assets import describe_assets

    _echo(f"deckbuild {__version__}, {describe_assets()}")
    ctx.exit()


def _echo(message: object = "", err: bool = False) -> None:
    """Print a line of output: every line deckbuild prints passes here, its unseen characters escaped."""
    click.echo(shown(str(message), lines=True), err=err)


# Exit codes, documented in the README: 0 done, 1 a problem with the input (a DeckError), 2 a usage
# error (click's own: an unknown option, a missing argument), 3 a bug in deckbuild, 130 interrupted.
EXIT_INPUT = 1
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


class _Group(click.Group):
    """Turns a DeckError into one ``path:line: message (hint)`` line and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DeckError as exc:
            _echo(str(exc), err=True)
            sys.exit(EXIT_INPUT)
        except (KeyboardInterrupt, click.Abort):
            _echo("interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception:
            if ctx.params.get("debug") or (ctx.obj or {}).get("debug"):
                traceback.print_exc()
            else:
                _echo("internal error: this is a bug in deckbuild (run again with --debug for details)", err=True)
            sys.exit(EXIT_INTERNAL)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version, help="Show the versions."
)
@click.option("--debug", is_flag=True, help="Show a traceback for internal errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Turn Markdown outlines into reveal.js decks and screenshots."""
    ctx.obj = {"debug": debug}


@main.command()
@click.argument("decks", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o", "--out", type=click.Path(path_type=Path), help="Output folder [default: deckbuild.toml's site, else site/]."
)
@click.option("-t", "--theme", help="Theme for every deck, overriding front matter.")
@click.option(
    "--check", "run_check", is_flag=True, help="Then check the built decks in Chromium (see: deckbuild check)."
)
@click.option("--separator", help="Regex for horizontal slide separators (reveal-md's flag).")
@click.option("--vertical-separator", help="Regex for vertical slide separators, e.g. '^--$'.")
@click.option("--notes-separator", help="Regex that starts the speaker notes [default: 'notes?:'].")
@click.option("--strict", is_flag=True, help="Warnings are errors: exit 1 and write nothing.")
@click.option("--shard", metavar="I/N", help="Write only the I-th of N shares of the decks (balanced by slides).")
def build(
    decks: tuple[Path, ...],
    out: Path | None,
    theme: str | None,
    run_check: bool,
    separator: str | None,
    vertical_separator: str | None,
    notes_separator: str | None,
    strict: bool,
    shard: str | None,
) -> None:
    """Compile decks (default: every deck in decks/) into OUT/<deck>/index.html."""
    from .build import Separators, Shard
    from .build import build as run_build
    from .compile.config import check_regex

    flags = {"--separator": separator, "--vertical-separator": vertical_separator, "--notes-separator": notes_separator}
    for flag, value in flags.items():
        if value is not None:
            check_regex(flag, value)
    separators = Separators(separator, vertical_separator, notes_separator)
    project = find_settings()
    built_decks = run_build(
        list(decks),
        out or project.site,
        theme=theme,
        separators=separators,
        strict=strict,
        project=project,
        shard=Shard.parse(shard) if shard is not None else None,
    )
    for built in built_decks:
        for warning in built.deck.warnings:
            _echo(str(warning), err=True)
    for built in built_decks:
        state = "built" if built.changed else "unchanged"
        count = built.deck.slide_count
        _echo(f"{state}: {display_path(built.folder / 'index.html')} ({count} slide{'' if count == 1 else 's'})")
    if run_check:
        from .browser.check import check_built

        _report_problems(check_built(built_decks), "text", warn_only=False)


def _report_problems(problems: list[Any], output: str, *, warn_only: bool) -> None:
    """Print what `check` found; exit 1 if anything was, unless only warning."""
    from .browser.check import problems_json

    if output == "json":
        _echo(problems_json(problems))
    else:
        for problem in problems:
            _echo(str(problem))
    if problems:
        decks = len({problem.path for problem in problems})
        _echo(f"{len(problems)} problem(s) in {decks} deck(s)", err=True)
        if not warn_only:
            sys.exit(1)
    elif output != "json":
        _echo("no problems found", err=True)


_BROWSER_PATH = click.option(
    "--browser-path",
    "--chrome-path",
    "--executable-path",
    "browser_path",
    type=click.Path(path_type=Path),
    help="A Chromium or Chrome executable [default: Playwright's, else the system's].",
)


@main.command()
@click.argument("decks", nargs=-1, type=click.Path(path_type=Path))
@click.option("--site", type=click.Path(path_type=Path), help="Built site [default: deckbuild.toml's, else site/].")
@click.option("-t", "--theme", help="Theme for every deck, overriding front matter.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--warn-only", is_flag=True, help="Report problems but exit 0.")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds a deck may take.")
@_BROWSER_PATH
def check(
    decks: tuple[Path, ...],
    site: Path | None,
    theme: str | None,
    output: str,
    warn_only: bool,
    timeout: float,
    browser_path: Path | None,
) -> None:
    """Build decks and report, per slide and source line, what overflows, fails to load or is missing."""
    from .browser.check import check_decks

    project = find_settings()
    problems = check_decks(
        list(decks), site or project.site, theme=theme, browser_path=browser_path, timeout=timeout, project=project
    )
    _report_problems(problems, output, warn_only=warn_only)


@main.command()
@click.argument("decks", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(path_type=Path), help="PDF folder [default: front matter's, else pdf/].")
@click.option(
    "--fragments",
    type=click.Choice(["final", "separate"]),
    help="All fragments shown on one page, or a page per fragment step [final].",
)
@click.option(
    "--notes",
    type=click.Choice(["none", "inline", "page"]),
    is_flag=False,
    flag_value="inline",
    help="Speaker notes: --notes puts them on the slide's page, --notes page on a page of their own [none].",
)
@click.option("--site", type=click.Path(path_type=Path), help="Built site [default: deckbuild.toml's, else site/].")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if any PDF is missing or stale.")
@click.option("--force", is_flag=True, help="Print every PDF again.")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds a deck may take.")
@_BROWSER_PATH
def pdf(decks: tuple[Path, ...], **options: Any) -> None:
    """Print each deck to one PDF, a page per slide, re-printing only what changed."""
    from .browser.pdf import PdfOptions, make_pdfs

    project = find_settings()
    options["site"] = options["site"] or project.site
    settings = PdfOptions(**options, project=project)
    report = make_pdfs(list(decks), settings)
    if settings.check:
        for label, paths in (("missing", report.missing), ("stale", report.stale)):
            for path in paths:
                _echo(f"{label}: {display_path(path)}")
        if report.missing or report.stale:
            _echo("PDFs are out of date (run: deckbuild pdf)", err=True)
            sys.exit(1)
        _echo(f"up to date: {len(report.unchanged)} PDFs")
        return
    for path in report.written:
        _echo(f"wrote: {display_path(path)}")
    _echo(f"{len(report.written)} written, {len(report.unchanged)} unchanged")


@main.command()
@click.argument("target", required=False, type=click.Path(path_type=Path))
@click.option("-p", "--port", type=int, default=8000, show_default=True, help="Port (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("-t", "--theme", help="Theme for every deck, overriding front matter.")
@click.option("--open", "open_browser", is_flag=True, help="Open the index in a web browser.")
@click.option("--shots", is_flag=True, help="Also keep the decks' slide images up to date, as `shots` writes them.")
@_BROWSER_PATH
@click.pass_context
def serve(
    ctx: click.Context,
    target: Path | None,
    port: int,
    host: str,
    theme: str | None,
    open_browser: bool,
    shots: bool,
    browser_path: Path | None,
) -> None:
    """Preview TARGET (a deck, or a folder; default decks/) with reload on save, until Ctrl-C."""
    from .serve import serve as run_serve

    run_serve(
        target,
        host=host,
        port=port,
        theme=theme,
        open_browser=open_browser,
        say=click.echo,
        warn=lambda line: _echo(line, err=True),
        debug=(ctx.obj or {}).get("debug", False),
        shots=shots,
        browser_path=browser_path,
    )


@main.command()
@click.argument("name")
def new(name: str) -> None:
    """Write decks/NAME.md, a deck to start from (never over an existing file)."""
    from .starter import write_starter

    _echo(f"wrote: {display_path(write_starter(name, find_settings().decks))}")


@main.command()
@click.option("--browser-path", type=click.Path(path_type=Path), help="A Chromium or Chrome executable.")
def setup(browser_path: Path | None) -> None:
    """Check this install: the browser assets decks load, and the Chromium screenshots use.

    Nothing needs installing for a wheel (its assets are inside it) or a checkout after 'npm ci';
    this says what was found, or the one thing to do.
    """
    from .browser.session import find_browser
    from .compile.assets import find_assets

    assets = find_assets()
    _echo(f"assets: reveal.js {assets.reveal_version} ({display_path(assets.node_modules)})")
    _echo(f"browser: {display_path(find_browser(browser_path))}")


@main.command()
@click.option("--browser-path", type=click.Path(path_type=Path), help="A Chromium or Chrome executable.")
def browser(browser_path: Path | None) -> None:
    """Print the Chromium that screenshots will use (exit 1, saying how to install one, if none)."""
    from .browser.session import find_browser

    _echo(str(find_browser(browser_path)))


@main.command()
@click.argument("decks", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(path_type=Path), help="PNG folder [default: front matter's, else shots/].")
@click.option("--slides", help="Which slides: all (default), or e.g. 0,5,4/2,7-9,3/*  (reveal.js indices).")
@click.option("--size", "sizes", multiple=True, help="Image size WxH, repeatable [default: the slide's size].")
@click.option("--scale", type=float, help="Device pixel ratio of the capture [default: 1].")
@click.option("--fragments", type=click.Choice(["final", "initial"]), help="Show all fragments, or none [final].")
@click.option(
    "--fit", type=click.Choice(["pad", "crop"]), help="Other aspect ratio: pad with the background, or crop [pad]."
)
@click.option("--name", help="File name pattern [default: {slug}{_index}_{width}x{height}.png].")
@click.option("--site", type=click.Path(path_type=Path), help="Built site [default: deckbuild.toml's, else site/].")
@click.option("-j", "--jobs", type=int, default=min(2, os.cpu_count() or 1), show_default=True, help="Pages at once.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if any image is missing, stale or extra.")
@click.option("--strict", is_flag=True, help="Console errors and failed requests are errors, not warnings.")
@click.option("--force", is_flag=True, help="Render every image again (e.g. after a browser upgrade).")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds a slide may take.")
@click.option("--shard", metavar="I/N", help="Shoot only the I-th of N shares of the decks (balanced by slides).")
@_BROWSER_PATH
def shots(decks: tuple[Path, ...], sizes: tuple[str, ...], **options: Any) -> None:
    """Write PNGs of slides for blog posts, re-rendering only what changed."""
    from .browser.shots import ShotOptions, take_shots
    from .build import Shard

    project = find_settings()
    options["shard"] = Shard.parse(options["shard"]) if options["shard"] is not None else None
    options["site"] = options["site"] or project.site
    settings = ShotOptions(sizes=sizes, **options, project=project, full=not decks)
    progress = _progress_bar() if not settings.check else None
    try:
        report = take_shots(list(decks), settings, progress)
    finally:
        if progress is not None:
            progress.stop()  # before any error is printed
    for warning in report.warnings:
        _echo(f"warning: {warning}", err=True)
    if settings.check:
        problems = [("missing", report.missing), ("stale", report.stale), ("extra", report.extra)]
        for label, paths in problems:
            for path in paths:
                _echo(f"{label}: {display_path(path)}")
        if any(paths for _, paths in problems):
            _echo(f"screenshots are out of date (run: {_rerun_command('--check')})", err=True)
            sys.exit(1)
        _echo(f"up to date: {len(report.unchanged)} images")
        return
    for path in report.written:
        _echo(f"wrote: {display_path(path)}")
    for path in report.removed:
        _echo(f"removed: {display_path(path)}")
    _echo(f"{len(report.written)} written, {len(report.unchanged)} unchanged, {len(report.removed)} removed")


@main.command()
@click.argument("deck", type=click.Path(path_type=Path))
@click.option("--post", type=click.Path(path_type=Path), help="The post to update [default: _posts/<date>-<slug>.md].")
@click.option("--base-url", help="Where decks are hosted, e.g. https://me.github.io/talks [default: the deck's url:].")
def post(deck: Path, post: Path | None, base_url: str | None) -> None:
    """Write the slides section of DECK's blog post: its images, each linking to the hosted deck."""
    from .errors import display_path
    from .publish.post import write_post

    result = write_post(deck, find_settings(), post=post, base_url=base_url)
    state = "created" if result.created else "updated" if result.changed else "unchanged"
    _echo(f"{state}: {display_path(result.path)}")


def _rerun_command(without: str) -> str:
    """The command that was run, as the user would type it again, minus the flag ``without``."""
    import shlex

    ctx = click.get_current_context()
    words = ["deckbuild", ctx.info_name or ""]
    for param in ctx.command.params:
        value = ctx.params.get(param.name or "")
        if ctx.get_parameter_source(param.name or "") != click.core.ParameterSource.COMMANDLINE:
            continue
        if isinstance(param, click.Argument):
            words.extend(str(v) for v in value or ())
            continue
        flag = max(param.opts, key=len)
        if flag == without:
            continue
        if getattr(param, "is_flag", False):
            words.append(flag)
        else:
            for item in value if isinstance(value, (tuple, list)) else [value]:
                words.extend([flag, str(item)])
    return shlex.join(words)


class _ProgressBar:
    """A rich progress bar on a terminal, started by the first slide captured."""

    def __init__(self) -> None:
        from rich.progress import Progress

        self._bar = Progress(transient=True)
        self._task: Any = None

    def __call__(self, done: int, total: int, label: str) -> None:
        if self._task is None:
            self._bar.start()
            self._task = self._bar.add_task("capturing", total=total)
        self._bar.update(self._task, completed=done, description=label)

    def stop(self) -> None:
        if self._task is not None:
            self._bar.stop()


def _progress_bar() -> _ProgressBar | None:
    """A progress bar on a terminal; nothing in CI or a pipe (the summary lines say it all)."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        return None
    return _ProgressBar()


@main.command()
@click.option("--gallery", is_flag=True, help="Render sample slides in every theme (needs a browser).")
@click.option("-o", "--out", type=click.Path(path_type=Path), default=Path("gallery"), show_default=True)
@click.option("--browser-path", type=click.Path(path_type=Path), help="A Chromium or Chrome executable.")
def themes(gallery: bool, out: Path, browser_path: Path | None) -> None:
    """List every theme a deck here can use, and where it comes from."""
    from .compile.assets import find_assets
    from .compile.themes import find_themes_dir, load_project_theme, theme_names, theme_origin

    assets = find_assets()
    themes_dir = find_themes_dir(Path.cwd() / "deck.md")
    names = theme_names(assets, themes_dir)
    width = max(len(name) for name in names)
    for name, folder in names.items():
        if folder is None:
            _echo(f"{name:<{width}}  reveal.js {assets.reveal_version}")
            continue
        theme = load_project_theme(folder, assets)
        details = [f"extends {theme.extends}"] if theme.extends else []
        if theme.fonts:
            details.append("fonts " + ", ".join(dict.fromkeys(face.package for face in theme.fonts)))
        if theme.templates:
            details.append("templates " + ", ".join(sorted(p.name for p in theme.templates.glob("*.j2"))))
        _echo(f"{shown(name):<{width}}  {theme_origin(folder)}" + (f"  ({'; '.join(details)})" if details else ""))
    if gallery:
        from .publish.gallery import render_gallery

        for path in render_gallery(out, list(names), assets, themes_dir, browser_path):
            _echo(f"wrote: {display_path(path)}")


@main.group()
def ci() -> None:
    """Write a CI workflow for this repository."""


@ci.command()
@click.option("--shards", type=int, default=1, show_default=True, help="Machines that take the images at once.")
@click.option("--package", default="deckbuild", show_default=True, help="What pip installs, e.g. a git URL.")
def github(shards: int, package: str) -> None:
    """Write .github/workflows/decks.yml: check pull requests, refresh images, publish the site on Pages."""
    from .errors import display_path
    from .publish.ci import write_workflow

    _echo(f"wrote: {display_path(write_workflow(find_settings(), shards=shards, package=package))}")
    if package == "deckbuild":
        _echo(
            "warning: the workflow runs `pip install deckbuild`; if deckbuild is not on your package index, "
            "write the requirement you installed it from in its DECKBUILD line, or run again with "
            "--package 'deckbuild @ git+https://...' (docs/ci.md)",
            err=True,
        )


@main.command()
def config() -> None:
    """Print the project settings in force and where each comes from (deckbuild.toml or pyproject.toml)."""
    rows = describe(find_settings())
    width = max(len(key) for key, _, _ in rows)
    for key, value, origin in rows:
        _echo(f"{key:<{width}}  {value}  ({origin})")
