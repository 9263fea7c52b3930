"""The scanner reads broken markup as a browser builds it (the HTML5 tree, by Lexbor).

Real pages leave paragraphs and blockquotes open, close what was never opened and
close in the wrong order; the HTML standard says what tree a browser builds from
each, and that tree is the one the scanner reads. Where browsers bound what the
standard leaves open (Blink nests no element deeper than 512 levels), the scanner
bounds it the same way, and says so.
"""

from __future__ import annotations

import time

from archiver.scan import html, nesting, scan_bytes

STATUS = "https://twitter.com/someone/status/1780000000000000000"
ATTRIBUTION = f'&mdash; Some One (@someone) <a href="{STATUS}">April 13, 2024</a>'


def page(body: str) -> bytes:
    return f"<html><head><title>T</title></head><body>{body}</body></html>".encode()


def embeds(body: str) -> list[tuple]:
    return [(e.form, e.id, e.handle, e.text) for e in scan_bytes(page(body)).embeds]


TWEET = ("oembed", "1780000000000000000", "someone", "Words")


def test_an_open_paragraph_ends_where_the_tweet_begins():
    body = f'<p>Intro words<blockquote class="twitter-tweet"><p>Words</p>{ATTRIBUTION}</blockquote>'
    doc = html.parse(page(body).decode())
    [intro] = [p for p in doc.css("p") if "Intro" in p.text()]
    assert intro.css("blockquote") == []  # the blockquote closed the paragraph
    assert embeds(body) == [TWEET]


def test_paragraphs_left_open_inside_a_tweet_are_its_lines():
    body = (f'<blockquote class="twitter-tweet"><p>First line<p>Second line</p>{ATTRIBUTION}'
            "</blockquote>")
    assert embeds(body) == [("oembed", "1780000000000000000", "someone",
                             "First line\nSecond line")]


def test_end_tags_of_elements_never_opened_are_ignored():
    # A browser keeps the attribution inside the tweet: nothing was open to close.
    body = (f'<blockquote class="twitter-tweet"><p>Words</p></div></span></section>{ATTRIBUTION}'
            "</blockquote>")
    assert embeds(body) == [TWEET]


def test_an_end_tag_that_closes_the_tweet_early_leaves_its_attribution_outside():
    # </div> closes everything up to the open <div>, the tweet's blockquote with it: a
    # browser shows the attribution after the quote. The tweet keeps its words, its
    # status link stands in the prose (cited), its attribution is read as text.
    body = f'<div><blockquote class="twitter-tweet"><p>Words</div>{ATTRIBUTION}</blockquote>'
    article = scan_bytes(page(body))
    assert [(e.form, e.id, e.text) for e in article.embeds] == [
        ("oembed", None, "Words"), ("plaintext", None, None)]
    assert article.embeds[1].handle == "someone"
    assert [c.id for c in article.cited] == ["1780000000000000000"]


def test_a_tweet_left_open_holds_the_rest_of_the_page_as_a_browser_shows_it():
    body = (f'<blockquote class="twitter-tweet"><p>Words</p>{ATTRIBUTION}'
            "<p>Prose after the tweet.</p><p>More prose.</p>")
    doc = html.parse(page(body).decode())
    assert len(doc.css("blockquote p")) == 3
    assert embeds(body) == [("oembed", "1780000000000000000", "someone",
                             "Words\nProse after the tweet.\nMore prose.")]


def test_a_stray_br_end_tag_breaks_the_line_as_br_does():
    body = (f'<blockquote class="twitter-tweet"><p>First line</br>Second line</p>{ATTRIBUTION}'
            "</blockquote>")
    assert embeds(body) == [("oembed", "1780000000000000000", "someone",
                             "First line\nSecond line")]


def test_a_nul_character_in_the_text_is_dropped():
    body = f'<blockquote class="twitter-tweet"><p>Wor\x00ds</p>{ATTRIBUTION}</blockquote>'
    assert embeds(body) == [TWEET]


def test_a_tweet_in_a_table_outside_its_cells_is_put_before_the_table():
    body = (f'<table><blockquote class="twitter-tweet"><p>Words</p>{ATTRIBUTION}</blockquote>'
            "<tr><td>cell</td></tr></table>")
    doc = html.parse(page(body).decode())
    assert doc.css("table blockquote") == []  # foster-parented
    assert embeds(body) == [TWEET]


def test_a_templates_markup_is_read_as_embed_code_kept_for_later():
    # Template content is no part of the document; a script shows it by copying it in.
    body = f'<template><blockquote class="twitter-tweet"><p>Words</p>{ATTRIBUTION}</blockquote></template>'
    doc = html.parse(page(body).decode())
    assert doc.css("blockquote") == []
    assert embeds(body) == [TWEET]


def test_noscript_markup_is_read_as_markup_as_with_scripting_off():
    body = f'<noscript><blockquote class="twitter-tweet"><p>Words</p>{ATTRIBUTION}</blockquote></noscript>'
    assert embeds(body) == [TWEET]


def test_markup_deeper_than_a_browser_builds_is_flattened_as_blink_does():
    text = "<div>" * 600 + '<p id="deep">x</p>' + "</div>" * 600
    warnings: list[str] = []
    doc = html.parse(text, warnings)
    depth, node = 0, doc.css_first("#deep")
    while node is not None:
        depth, node = depth + 1, node.parent
    assert depth <= nesting.MAX_DEPTH + 3  # html, body and the document above the divs
    assert warnings == [nesting.DEPTH_WARNING]
    shallow: list[str] = []
    html.parse("<div>" * 400 + "x" + "</div>" * 400, shallow)
    assert shallow == []


def test_a_large_select_parses_in_linear_time():
    # With Lexbor's mutation events on, every <option> was copied as it was inserted:
    # 40,000 options took over ten seconds.
    options = "<select>" + "<option>choice" * 40000 + "</select>"
    started = time.monotonic()
    assert embeds(options + f'<blockquote class="twitter-tweet"><p>Words</p>{ATTRIBUTION}'
                  "</blockquote>") == [TWEET]
    assert time.monotonic() - started < 5


def test_formatting_elements_left_open_are_capped_in_linear_time():
    # Each open <b> of its own kind is opened again in every paragraph after it (the
    # standard's reconstruction): 1,600 of them and 16,000 paragraphs took minutes.
    opened = "".join(f'<b class="c{i}">' for i in range(1600))
    body = ("<div>" + opened + "</div>" + "<p>x</p>" * 16000
            + f'<blockquote class="twitter-tweet"><p>Words</p>{ATTRIBUTION}</blockquote>')
    started = time.monotonic()
    article = scan_bytes(page(body))
    assert time.monotonic() - started < 10
    assert article.warnings == [nesting.FORMATTING_WARNING]
    assert [e.id for e in article.embeds] == ["1780000000000000000"]


def test_a_few_formatting_elements_left_open_change_nothing():
    text = "<b><i><u>" + "<p>x</p>" * 100
    assert nesting.bounded(text) == (text, [])
