"""How the scanner reads what it is given: encodings, sniffing, odd markup.
Each case is one a review found the scanner getting wrong."""

from archiver.scan import scan_bytes

EMBED = (
    '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Words of the post '
    '<a href="https://t.co/AbCdEf1234">pic.twitter.com/AbCdEf1234</a></p>&mdash; Some One '
    '(@someone) <a href="https://twitter.com/someone/status/1780000000000000000">'
    "April 13, 2024</a></blockquote>"
)


def page(title="Story", head="", body=EMBED):
    return f"<html><head>{head}<title>{title}</title></head><body><p>Prose.</p>{body}</body></html>"


def test_declared_charsets_decode_the_title_even_without_embeds():
    cp1252 = page("Café “news”", '<meta charset="windows-1252">', "<p>x</p>").encode("cp1252")
    assert scan_bytes(cp1252).title == "Café “news”"
    sjis = page("日本の記事", '<meta http-equiv="Content-Type" content="text/html; charset=shift_jis">',
                "<p>x</p>").encode("shift_jis")
    assert scan_bytes(sjis).title == "日本の記事"
    assert scan_bytes(page("Ünïcode", "", "<p>x</p>").encode("latin-1"),
                      content_type="text/html; charset=iso-8859-1").title == "Ünïcode"


def test_utf16_with_or_without_bom_is_read_as_html():
    text = page('Sixteen', '<meta charset="utf-16">')
    for data in (text.encode("utf-16"), "\ufeff".encode("utf-16-be") + text.encode("utf-16-be"),
                 text.encode("utf-16-le")):
        article = scan_bytes(data)
        assert article.kind == "html" and article.title == "Sixteen"
        assert [e.handle for e in article.embeds] == ["someone"]


def test_xhtml_with_an_encoding_declaration_is_parsed():
    data = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
            '<html xmlns="http://www.w3.org/1999/xhtml">' + page()[6:]).encode()
    article = scan_bytes(data)
    assert article.title == "Story" and len(article.embeds) == 1


def test_a_long_leading_comment_and_raw_cms_content_are_still_html():
    banner = "<!--\n" + "License text line.\n" * 400 + "-->\n"
    assert len(scan_bytes((banner + page()).encode()).embeds) == 1
    raw = ("Paragraph of raw WordPress content without tags.\n\n" * 120 + EMBED).encode()
    assert [e.id for e in scan_bytes(raw).embeds] == ["1780000000000000000"]


def test_a_quote_tweet_nested_inside_a_tweet_is_not_an_embed():
    inner = EMBED.replace("someone", "inner").replace("1780000000000000000", "1111111111111111111")
    outer = (
        '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Look at this '
        '<a href="https://t.co/QUOTE12345">https://t.co/QUOTE12345</a></p>' + inner +
        '&mdash; Outer Person (@outer) <a href="https://twitter.com/outer/status/'
        '1480000000000000000">January 6, 2022</a></blockquote>'
    )
    [embed] = scan_bytes(page(body=outer).encode()).embeds
    assert (embed.handle, embed.author, embed.id) == ("outer", "Outer Person",
                                                      "1480000000000000000")
    assert embed.text == "Look at this https://t.co/QUOTE12345"


def test_links_with_escaped_slashes_are_found_and_lookalikes_are_not():
    body = (
        '<script type="application/ld+json">{"u": "https:\\/\\/t.co\\/JsonEsc001",'
        ' "p": "pic.twitter.com\\/JsonPic001"}</script>'
        '<a href="https://twitter.com/intent/tweet?url=https%3A%2F%2Ft.co%2FEncoded001">s</a>'
        '<a href="https:&#x2F;&#x2F;t.co&#x2F;Entity0001">e</a> HTTPS://T.CO/UpperCase1'
        ' abt.co/NotALink1 press@abt.co/NotALink2'
    )
    links = scan_bytes(page(body=body).encode()).links
    assert links == ["https://t.co/JsonEsc001", "https://pic.twitter.com/JsonPic001",
                     "https://t.co/Encoded001", "https://t.co/Entity0001",
                     "https://t.co/UpperCase1"]


def test_prose_after_a_tweet_is_not_taken_for_its_continuation():
    text = (
        "Title of the article\nProse one about events.\nResidents are angry #Kazakhstan\n"
        "— Alice (@alice) January 6, 2022\nThe journalist continues the story here.\n"
        "Officials declined to comment.\nWatch the full press conference: https://t.co/PressConf1\n"
        "Final prose paragraph.\n"
    )
    [embed] = scan_bytes(text.encode()).embeds
    assert embed.text == "Residents are angry #Kazakhstan"
