"""The user's seed article, end to end: scan it, then look the tweets up."""

from conftest import SEED

EXPECTED = [
    ("ABC", "ABC News"),
    ("shaunwalker7", "Shaun Walker"),
    ("HannaLiubakova", "Hanna Liubakova"),
    ("KenRoth", "Kenneth Roth"),
    ("dwnews", "DW News"),
    ("ajplus", "AJ+"),
]
PROSE = [
    "ALMATY, Kazakhstan",
    "On Wednesday, protesters stormed government buildings",
    "More than 1,000 people have been injured during the unrest",
    "The Associated Press reports that 353 police officers have been injured.",
    "By Suzie Ziegler",
]


def test_seed_scan_finds_six_tweets_with_whole_texts(run):
    proc = run("scan", str(SEED), "--json", check_json=True)
    assert proc.returncode == 0, proc.stderr_text
    [article] = proc.json
    assert article["source"] == str(SEED)
    assert article["title"] == "12 police officers, dozens of protesters dead in Kazakhstan unrest"
    embeds = article["embeds"]
    assert [(e["handle"], e["author"]) for e in embeds] == EXPECTED
    assert {e["platform"] for e in embeds} == {"twitter"}
    assert {e["date"] for e in embeds} == {"2022-01-06"}
    assert all(e["id"] is None and e["url"] is None for e in embeds)

    dw = embeds[4]["text"].split("\n")
    assert dw == [
        "• Reports: soldiers opened fire at demonstrators in Kazakhstan's largest city",
        "• Dozens of protesters and 12 police were killed so far, authorities said",
        "• At least 2,000 were arrested in Almaty since the unrest began",
        "The latest: https://t.co/k8e0a7xeQ7 pic.twitter.com/lVSslVNlKD",
    ]
    aj = embeds[5]["text"].split("\n")
    assert len(aj) == 3
    assert aj[0].startswith("Kazakhstan police killed dozens of protesters")
    assert aj[1] == "At least 2 security officers were reportedly decapitated."
    assert aj[2].endswith("with most wealth held by political elite. pic.twitter.com/omITgzIAPf")
    assert embeds[0]["text"].startswith("Dozens of protesters and 12 police died")
    assert embeds[0]["links"] == ["https://t.co/stnQeuMDva", "https://pic.twitter.com/rrdJufukLg"]

    tco = {link.rsplit("/", 1)[1] for link in article["links"] if "t.co/" in link}
    pic = {link.rsplit("/", 1)[1] for link in article["links"] if "pic.twitter.com/" in link}
    assert tco == {"stnQeuMDva", "XTHUX5MjKd", "k8e0a7xeQ7"}
    assert pic == {
        "rrdJufukLg", "3BEKlZMKIs", "h1vzkKdmjV", "Sp9p21gKmg", "lVSslVNlKD", "omITgzIAPf"
    }
    for sentence in PROSE:
        assert not any(sentence in e["text"] for e in embeds), sentence


def test_seed_lookup_by_handle_any_case_returns_the_preserved_tweet(run):
    assert run("scan", str(SEED)).returncode == 0
    proc = run("lookup", "@DWNEWS", "--json", check_json=True)
    assert proc.returncode == 0, proc.stderr_text
    [record] = proc.json
    assert set(record) == {
        "id", "platform", "handle", "author", "date", "url", "text", "live_text", "status",
        "status_reason", "articles", "cited_in", "links", "snapshots",
    }
    assert record["handle"] == "dwnews"
    assert record["author"] == "DW News"
    assert record["status"] == "pending"
    assert record["articles"] == [str(SEED)]
    assert record["text"].endswith("The latest: https://t.co/k8e0a7xeQ7 pic.twitter.com/lVSslVNlKD")
    assert [link["url"] for link in record["links"]] == [
        "https://t.co/k8e0a7xeQ7", "https://pic.twitter.com/lVSslVNlKD"
    ]
    assert all(link["resolved"] is None for link in record["links"])
    assert run("lookup", "dwnews", "--json", check_json=True).json == proc.json
