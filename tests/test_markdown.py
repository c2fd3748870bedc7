"""render_markdown: reveal.js's comment attributes, step-by-step lists, code fences and the files a slide uses."""

from __future__ import annotations

import pytest

from deckbuild.compile.markdown import render_markdown

FRAGMENT = '<!-- .element: class="fragment" -->'


# --- .element: comments -----------------------------------------------------------------------------


def test_element_comment_on_a_tight_list_item_goes_to_the_li() -> None:
    html = render_markdown(f"- one {FRAGMENT}\n- two\n").html
    assert html == '<ul>\n<li class="fragment">one</li>\n<li>two</li>\n</ul>\n'


def test_element_comment_with_several_attributes() -> None:
    html = render_markdown('- one\n- two <!-- .element: class="fragment" data-fragment-index="2" -->\n').html
    assert '<li class="fragment" data-fragment-index="2">two</li>' in html
    assert "<li>one</li>" in html
    assert "<!--" not in html


def test_each_list_item_gets_its_own_comment() -> None:
    html = render_markdown('- a <!-- .element: class="x" -->\n- b <!-- .element: class="y" -->\n').html
    assert html == '<ul>\n<li class="x">a</li>\n<li class="y">b</li>\n</ul>\n'


def test_element_comment_on_an_image() -> None:
    html = render_markdown(f"![plot](img/plot.png) {FRAGMENT}\n").html
    assert html == '<p><img src="img/plot.png" alt="plot" class="fragment" /></p>\n'


def test_element_comment_on_an_image_in_a_list_item_goes_to_the_image() -> None:
    html = render_markdown(f"- ![i](a.png) {FRAGMENT}\n").html
    assert html == '<ul>\n<li><img src="a.png" alt="i" class="fragment" /></li>\n</ul>\n'


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("**bold** " + FRAGMENT, '<p><strong class="fragment">bold</strong></p>\n'),
        ("text *em* " + FRAGMENT, '<p>text <em class="fragment">em</em></p>\n'),
        ("[link](https://example.org) " + FRAGMENT, '<p><a href="https://example.org" class="fragment">link</a></p>\n'),
    ],
    ids=["strong", "emphasis", "link"],
)
def test_element_comment_after_inline_element_goes_to_it(markdown: str, expected: str) -> None:
    assert render_markdown(markdown + "\n").html == expected


@pytest.mark.parametrize(
    "markdown",
    [
        f"A paragraph {FRAGMENT}\n",
        f"A paragraph\n{FRAGMENT}\n",
        f"A *paragraph* with more text {FRAGMENT}\n",
    ],
    ids=["same-line", "next-line", "after-text"],
)
def test_element_comment_in_a_paragraph_goes_to_the_paragraph(markdown: str) -> None:
    html = render_markdown(markdown).html
    assert html.startswith('<p class="fragment">A ')
    assert html.count("fragment") == 1
    assert "<!--" not in html
    assert " </p>" not in html  # the space before the comment is not left behind


def test_element_comment_in_a_loose_list_goes_to_its_paragraph() -> None:
    html = render_markdown(f"- a\n\n- b {FRAGMENT}\n").html
    assert '<li><p class="fragment">b</p>' in html
    assert html.count("fragment") == 1


def test_element_class_merges_with_an_existing_class() -> None:
    html = render_markdown('- [ ] task <!-- .element: class="fragment" -->\n').html
    assert 'class="task-list-item fragment"' in html
    assert html.count("class=") == 2  # the <li> and the checkbox only


def test_ordinary_html_comments_are_kept() -> None:
    html = render_markdown("text\n\n<!-- just a comment -->\n").html
    assert "<!-- just a comment -->" in html


# --- step-by-step lists -------------------------------------------------------------------------------


def test_incremental_lists_make_every_item_a_fragment() -> None:
    html = render_markdown("- a\n- b\n\n1. c\n   - d\n", incremental=True).html
    assert html.count('<li class="fragment">') == 4
    assert "<li>" not in html


def test_lists_are_not_fragments_by_default() -> None:
    assert "fragment" not in render_markdown("- a\n- b\n").html


def test_incremental_does_not_add_fragment_twice() -> None:
    html = render_markdown(f"- a {FRAGMENT}\n- b\n", incremental=True).html
    assert html == '<ul>\n<li class="fragment">a</li>\n<li class="fragment">b</li>\n</ul>\n'


def test_incremental_only_touches_list_items() -> None:
    html = render_markdown("para\n\n> quote\n", incremental=True).html
    assert "fragment" not in html


def test_incremental_setting_does_not_leak_between_calls() -> None:
    assert "fragment" in render_markdown("- a\n", incremental=True).html
    assert "fragment" not in render_markdown("- a\n").html
    assert "fragment" in render_markdown("- a\n", incremental=True).html


def test_incremental_item_with_its_own_class_gets_one_merged_class() -> None:
    html = render_markdown('- a <!-- .element: class="big" -->\n', incremental=True).html
    assert html.count("class=") == 1
    assert '<li class="big fragment">a</li>' in html


def test_incremental_task_list_items_are_fragments() -> None:
    html = render_markdown("- [ ] a\n- [x] b\n", incremental=True).html
    assert html.count("fragment") == 2


# --- code -------------------------------------------------------------------------------------------


def test_code_fence_line_highlights() -> None:
    html = render_markdown("```js [1|3-5]\nconst a = 1;\n```\n").html
    assert html == '<pre><code class="language-js" data-line-numbers="1|3-5" data-trim>const a = 1;\n</code></pre>\n'


@pytest.mark.parametrize(
    ("info", "attrs"),
    [
        ("python", ' class="language-python"'),
        ("c++ [2]", ' class="language-c++" data-line-numbers="2"'),
        ("js [1,2]", ' class="language-js" data-line-numbers="1,2"'),
        ("js []", ' class="language-js" data-line-numbers=""'),
        ("", ' class="nohighlight"'),
        ('"><script>', ' class="language-&quot;&gt;&lt;script&gt;"'),
    ],
    ids=["lang", "cpp-lines", "list", "empty-brackets", "none", "escaped"],
)
def test_code_fence_attributes(info: str, attrs: str) -> None:
    html = render_markdown(f"```{info}\nx\n```\n").html
    assert html == f"<pre><code{attrs} data-trim>x\n</code></pre>\n"


def test_code_is_escaped_and_not_markdown() -> None:
    html = render_markdown("~~~html\n<b>x</b> & **y** ![i](p.png)\n~~~\n").html
    assert "&lt;b&gt;x&lt;/b&gt; &amp; **y** ![i](p.png)" in html
    assert "<b>" not in html


def test_indented_code_has_no_language() -> None:
    html = render_markdown("    code here\n").html
    assert html == '<pre><code class="nohighlight" data-trim>code here</code></pre>\n'


# --- the files a slide refers to ----------------------------------------------------------------------


def test_urls_of_images_in_order() -> None:
    rendered = render_markdown('![a](one.png) and ![b](img/two.png "title")\n\n![c](https://example.org/x.png)\n')
    assert rendered.urls == ("one.png", "img/two.png", "https://example.org/x.png")


def test_urls_of_raw_html_images_and_media() -> None:
    rendered = render_markdown(
        '<img src="block.png">\n\n'
        "text <img src='inline.jpg' alt=\"x\"> more\n\n"
        '<video data-src="clip.mp4" poster="poster.jpg"></video>\n\n'
        '<IMG SRC="upper.gif">\n'
    )
    assert rendered.urls == ("block.png", "inline.jpg", "clip.mp4", "poster.jpg", "upper.gif")
    assert '<img src="block.png">' in rendered.html


def test_no_urls_from_code() -> None:
    rendered = render_markdown(
        '`<img src="span.png">` and `![x](span2.png)`\n\n```html\n<img src="fenced.png">\n![a](fenced2.png)\n```\n'
    )
    assert rendered.urls == ()


def test_urls_do_not_leak_between_calls() -> None:
    assert render_markdown("![a](one.png)\n").urls == ("one.png",)
    assert render_markdown("no images\n").urls == ()


def test_image_with_spaces_is_url_encoded() -> None:
    rendered = render_markdown("![a](<my plot.png>)\n")
    assert rendered.urls == ("my%20plot.png",)


# --- the Markdown extensions the docs promise ----------------------------------------------------------


def test_tables() -> None:
    html = render_markdown("| a | b |\n|---|--:|\n| 1 | 2 |\n").html
    assert "<table>" in html
    assert "<th>a</th>" in html
    assert '<td style="text-align:right">2</td>' in html


def test_strikethrough_and_mark() -> None:
    assert render_markdown("~~gone~~ ==marked==\n").html == "<p><del>gone</del> <mark>marked</mark></p>\n"


def test_task_lists() -> None:
    html = render_markdown("- [ ] todo\n- [x] done\n").html
    assert html.count('class="task-list-item"') == 2
    assert html.count("checked") == 1


def test_inline_html_passes_through() -> None:
    assert render_markdown('a <span class="x">b</span>\n').html == '<p>a <span class="x">b</span></p>\n'
