"""The address guard: what may be requested, and that the connection goes to the
address that was checked. The names here never reach real DNS: the Client is
given a resolver, the one place it learns addresses from. A second listener on
127.0.0.2 (a Witness) stands for a machine inside the network."""

import sqlite3

import pytest

from archiver.net import Client, FetchRefused
from archiver.settings import Settings
from standin import SECRET, StandIn, Witness

PUBLIC = "93.184.215.14"  # a public address; nothing here answers on it


@pytest.fixture
def standin():
    with StandIn() as s:
        s.add_article("inside", "<html><title>Internal page</title></html>")
        yield s


@pytest.fixture
def inside():
    with Witness() as witness:
        yield witness


class Rebinding:
    """A DNS answer that changes between two lookups: public first, then loopback."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.asked = 0

    def __call__(self, host, port):
        answer = self.answers[min(self.asked, len(self.answers) - 1)]
        self.asked += 1
        return [answer]


def client(resolver):
    return Client(Settings(timeout=1, retries=1), resolver=resolver)


def test_a_name_that_rebinds_after_the_check_is_connected_at_the_checked_address(standin):
    resolver = Rebinding(PUBLIC, "127.0.0.1")
    answer = client(resolver).get(f"http://rebind.test:{standin.port}/articles/inside",
                                  retry=False)
    assert resolver.asked == 1  # one lookup: the checked answer is the one used
    assert standin.requests == []  # the loopback answer was never connected to
    assert answer.status is None and PUBLIC in answer.error


def test_a_name_that_answers_loopback_is_refused_before_any_connection(standin):
    resolver = Rebinding("127.0.0.1")
    with pytest.raises(FetchRefused, match="non-public"):
        client(resolver).get(f"http://inside.test:{standin.port}/articles/inside")
    assert standin.requests == []


@pytest.mark.parametrize("address", ["10.1.2.3", "169.254.169.254", "::ffff:127.0.0.1",
                                     "fd00::1", "100.64.0.1", "0.0.0.0"])
def test_every_non_public_answer_is_refused(standin, address):
    with pytest.raises(FetchRefused):
        client(Rebinding(address)).get("http://inside.test/")


# -- URL sources, feeds and sitemaps, through the real command ------------------------

def scanned(archive):
    conn = sqlite3.connect(archive / "archive.db")
    titles = dict(conn.execute("SELECT source, title FROM articles"))
    failures = dict(conn.execute("SELECT source, reason FROM source_failures"))
    return titles, failures


def test_a_url_source_redirecting_to_an_internal_address_is_refused(run, archive, standin,
                                                                    inside):
    moved = standin.add_article("moved", "", status=302,
                                headers={"Location": f"{inside.url}/admin"})
    proc = run("scan", moved, env=standin.env())
    assert proc.returncode == 1
    assert inside.connections == 0 and inside.paths == []
    titles, failures = scanned(archive)
    assert titles == {}
    assert "redirected to" in failures[moved] and "non-public" in failures[moved]
    assert SECRET not in proc.stdout_text + proc.stderr_text


def test_feed_entries_elsewhere_on_internal_addresses_are_refused(run, archive, standin, inside):
    standin.add_article("story", "<html><title>Listed story</title><body>x</body></html>")
    story = standin.article_url("story")
    feed = standin.add_article("feed.xml", (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
        f"<item><link>{story}</link></item><item><link>{inside.url}/admin</link></item>"
        "</channel></rss>"))
    sitemap = standin.add_article("sitemap.xml", (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{inside.url}/console</loc></url></urlset>"))
    proc = run("scan", feed, sitemap, env=standin.env())
    assert proc.returncode == 1
    assert inside.connections == 0
    titles, failures = scanned(archive)
    assert titles == {story: "Listed story"}  # the feed's own host: the operator named it
    assert "non-public" in failures[f"{inside.url}/admin"]
    assert "non-public" in failures[f"{inside.url}/console"]
    assert SECRET not in proc.stdout_text + proc.stderr_text


def test_a_url_the_operator_names_is_fetched_wherever_it_is(run, archive, inside, tmp_path):
    sitemap = tmp_path / "sitemap.xml"  # the operator's own file names it too
    sitemap.write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{inside.url}/from-file</loc></url></urlset>")
    proc = run("scan", f"{inside.url}/typed", str(sitemap))
    assert proc.returncode == 0, proc.stderr_text
    assert sorted(inside.paths) == ["/from-file", "/typed"]
    titles, _ = scanned(archive)
    assert set(titles.values()) == {"Internal admin console"}
