"""Pandoc's, Quarto's and markdown-it-attrs' Markdown forms, rendered by render_markdown (one slide's HTML)."""

from __future__ import annotations

import pytest

from deckbuild.compile.attributes import Attributes, parse_attributes, split_trailing
from deckbuild.compile.markdown import render_markdown

COLUMNS = """\
:::: {.columns}
::: {.column width="40%"}
Left
:::
::: {.column width="60%"}
Right
:::
::::
"""

CASES = [
    # heading attributes (below the slide's own heading they stay on the heading)
    ("### Sub {#id .big key=value}", '<h3 id="id" class="big" data-key="value">Sub</h3>\n'),
    ("### Sub {style=\"color: red\" title='t'}", '<h3 style="color: red" title="t">Sub</h3>\n'),
    ("### Sub {.unnumbered -}", '<h3 class="unnumbered unnumbered">Sub</h3>\n'),
    # markdown-it-attrs at the end of a paragraph and of a list item (vscode-reveal)
    ("Point {.fragment}", '<p class="fragment">Point</p>\n'),
    (
        "- one {.fragment .highlight-current-red}\n- two\n",
        '<ul>\n<li class="fragment highlight-current-red">one</li>\n<li>two</li>\n</ul>\n',
    ),
    ("1. a **b** {.fragment}\n", '<ol>\n<li class="fragment">a <strong>b</strong></li>\n</ol>\n'),
    # bracketed spans
    (
        "Go [now]{.fragment .fade-up fragment-index=2} ok",
        '<p>Go <span class="fragment fade-up" data-fragment-index="2">now</span> ok</p>\n',
    ),
    (
        "[*em* and `code`]{.highlight-red}",
        '<p><span class="highlight-red"><em>em</em> and <code>code</code></span></p>\n',
    ),
    # images with attributes
    ("![x](a.png){width=50%}", '<p><img src="a.png" alt="x" style="width: 50%" /></p>\n'),
    ("![x](a.png){width=300px height=200}", '<p><img src="a.png" alt="x" width="300" height="200" /></p>\n'),
    (
        '![x](a.png){fig-align="center"}',
        '<p><img src="a.png" alt="x" style="display: block; margin: 0 auto" /></p>\n',
    ),
    ("![x](a.png){.r-stretch}", '<img src="a.png" alt="x" class="r-stretch" />'),
    # pauses: each one starts a fragment that runs to the next
    (
        "one\n\n. . .\n\ntwo\n\n. . .\n\nthree\n",
        '<p>one</p>\n<div class="fragment">\n<p>two</p>\n</div>\n<div class="fragment">\n<p>three</p>\n</div>\n',
    ),
    # fenced divs
    ("::: {.fragment}\nhidden *x*\n:::\n", '<div class="fragment">\n<p>hidden <em>x</em></p>\n</div>\n'),
    ("::: {.r-fit-text}\nBig\n:::\n", '<div class="r-fit-text">\n<p>Big</p>\n</div>\n'),
    ("::: aside\nsmall\n:::\n", '<div class="aside">\n<p>small</p>\n</div>\n'),
    ("::: {#x .smaller}\nS\n:::\n", '<div id="x" class="smaller">\n<p>S</p>\n</div>\n'),
    (
        COLUMNS,
        '<div class="columns" style="display: flex; gap: min(4vw, 1.5em)">\n'
        '<div class="column" style="width: 40%">\n<p>Left</p>\n</div>\n'
        '<div class="column" style="width: 60%">\n<p>Right</p>\n</div>\n</div>\n',
    ),
    ("::: {.column}\nA\n:::\n", '<div class="column" style="flex: 1">\n<p>A</p>\n</div>\n'),
    (
        "::: {.r-stack}\n```\n:::\n```\n:::\n",
        '<div class="r-stack">\n<pre><code class="nohighlight" data-trim>:::\n</code></pre>\n</div>\n',
    ),
    # a list alone in a block quote appears item by item
    ("> - a\n> - b\n", '<ul>\n<li class="fragment">a</li>\n<li class="fragment">b</li>\n</ul>\n'),
    ("> quoted\n", "<blockquote>\n<p>quoted</p>\n</blockquote>\n"),
    # Quarto's chunks, pandoc's raw HTML
    (
        "```{python}\n#| echo: true\n#| label: x\nprint(1)\n```\n",
        '<pre><code class="language-python" data-trim>print(1)\n</code></pre>\n',
    ),
    ("```{r echo=FALSE}\nplot(x)\n```\n", '<pre><code class="language-r" data-trim>plot(x)\n</code></pre>\n'),
    ("```{=html}\n<b>raw</b>\n```\n", "<b>raw</b>\n"),
    # not attribute syntax: left as text
    ("A {not attrs!}", "<p>A {not attrs!}</p>\n"),
    ("[a]{x y}", "<p>[a]{x y}</p>\n"),
    ("[link](https://x.org){.c}", '<p><a href="https://x.org" class="c">link</a></p>\n'),
]


@pytest.mark.parametrize(("markdown", "html"), CASES, ids=[c[0][:30] for c in CASES])
def test_form(markdown: str, html: str) -> None:
    assert render_markdown(markdown).html == html


def test_block_quoted_list_is_the_one_static_list_in_an_incremental_deck() -> None:
    html = render_markdown("- a\n\n> - b\n", incremental=True).html
    assert html == '<ul>\n<li class="fragment">a</li>\n</ul>\n<ul>\n<li>b</li>\n</ul>\n'


def test_attribute_values_are_escaped() -> None:
    html = render_markdown('### T {title="a & b" data-x=\'"q"\'}').html
    assert html == '<h3 title="a &amp; b" data-x="&quot;q&quot;">T</h3>\n'


def test_image_with_attributes_is_a_file_the_slide_uses() -> None:
    assert render_markdown("![x](img/a.png){width=50%}").urls == ("img/a.png",)


def test_pauses_inside_a_div_group_there() -> None:
    html = render_markdown("::: {.column}\na\n\n. . .\n\nb\n:::\n").html
    assert '<p>a</p>\n<div class="fragment">\n<p>b</p>\n</div>\n</div>' in html


def test_unclosed_div_runs_to_the_end() -> None:
    assert render_markdown("::: {.smaller}\nA\n\nB\n").html == '<div class="smaller">\n<p>A</p>\n<p>B</p>\n</div>\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#id .a .b k=v", Attributes("id", ("a", "b"), (("k", "v"),))),
        ('k="a \\"b\\""', Attributes(None, (), (("k", 'a "b"'),))),
        ("class='x y' id=z", Attributes("z", ("x", "y"), ())),
        ("", None),
        ("no", None),
        (".a.b", None),
    ],
)
def test_parse_attributes(text: str, expected: Attributes | None) -> None:
    assert parse_attributes(text) == expected


def test_split_trailing_keeps_text_without_attributes() -> None:
    assert split_trailing("## Title") == ("## Title", None)
    assert split_trailing("## Title {.c}") == ("## Title", Attributes(None, ("c",), ()))
