"""The command line: parses flags, calls the library, reports.  The only place errors are caught."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import DeckError


def _versions() -> str:
    from .assets import pinned_reveal_version

    return f"deckbuild {__version__}, reveal.js {pinned_reveal_version()}"


class _Group(click.Group):
    """Turns a DeckError into one ``path:line: message (hint)`` line and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DeckError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception:
            if ctx.params.get("debug") or (ctx.obj or {}).get("debug"):
                traceback.print_exc()
            else:
                click.echo("internal error: this is a bug in deckbuild (run again with --debug for details)", err=True)
            sys.exit(2)


@click.group(cls=_Group)
@click.version_option(message="%(version)s", version=_versions())
@click.option("--debug", is_flag=True, help="Show a traceback for internal errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Turn Markdown outlines into reveal.js decks and screenshots."""
    ctx.obj = {"debug": debug}


@main.command()
@click.argument("decks", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o", "--out", type=click.Path(path_type=Path), default=Path("site"), show_default=True, help="Output folder."
)
@click.option("-t", "--theme", help="Theme for every deck, overriding front matter.")
def build(decks: tuple[Path, ...], out: Path, theme: str | None) -> None:
    """Compile decks (default: every deck in decks/) into OUT/<deck>/index.html."""
    from .build import build as run_build

    for built in run_build(list(decks), out, theme=theme):
        state = "built" if built.changed else "unchanged"
        click.echo(f"{state}: {built.folder / 'index.html'} ({built.deck.slide_count} slides)")


@main.command()
def setup() -> None:
    """Install the pinned reveal.js into the user cache (for a pip-installed deckbuild)."""
    from .assets import install_assets

    click.echo(f"installed: {install_assets()}")


@main.command()
@click.option("--browser-path", type=click.Path(path_type=Path), help="A Chromium or Chrome executable.")
def browser(browser_path: Path | None) -> None:
    """Print the Chromium that screenshots will use (exit 1, saying how to install one, if none)."""
    from .browser import find_browser

    click.echo(str(find_browser(browser_path)))
