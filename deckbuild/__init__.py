"""deckbuild: Markdown outlines and decks to reveal.js sites, screenshots and more."""

__version__ = "0.1.0"
