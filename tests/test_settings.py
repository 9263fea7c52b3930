"""Settings: general ones at the top of archiver.toml, each platform's endpoints
in a section of its own, the environment over the file."""

import pytest

from archiver.errors import ArchiverError
from archiver.settings import load


def config(tmp_path, text):
    path = tmp_path / "archiver.toml"
    path.write_text(text)
    return path


def test_a_platform_section_sets_its_endpoints(tmp_path):
    path = config(tmp_path, 'concurrency = 2\n[twitter]\n'
                            'syndication_url = "http://mirror.example/s?id={id}&t={token}"\n')
    settings = load(path, env={})
    assert settings.concurrency == 2
    assert settings.endpoint("twitter", "syndication_url") == "http://mirror.example/s?id={id}&t={token}"
    assert settings.endpoint("twitter", "embed_url").startswith("https://platform.twitter.com/")


def test_the_environment_names_platform_and_endpoint_and_wins_over_the_file(tmp_path):
    path = config(tmp_path, '[twitter]\noembed_url = "http://file.example/o?url={url}"\n')
    settings = load(path, env={"ARCHIVER_TWITTER_OEMBED_URL": "http://env.example/o?url={url}"})
    assert settings.endpoint("twitter", "oembed_url") == "http://env.example/o?url={url}"


def test_twitters_older_top_level_names_still_set_its_endpoints(tmp_path):
    path = config(tmp_path, 'tco_url = "http://short.example/{code}"\n')
    settings = load(path, env={"ARCHIVER_EMBED_URL": "http://old.example/e?id={id}"})
    assert settings.endpoint("twitter", "tco_url") == "http://short.example/{code}"
    assert settings.endpoint("twitter", "embed_url") == "http://old.example/e?id={id}"
    # The platform's own name is the more specific one: it wins.
    settings = load(path, env={"ARCHIVER_EMBED_URL": "http://old.example/e?id={id}",
                               "ARCHIVER_TWITTER_EMBED_URL": "http://new.example/e?id={id}"})
    assert settings.endpoint("twitter", "embed_url") == "http://new.example/e?id={id}"


@pytest.mark.parametrize("text, says", [
    ('[twitter]\nsyndication = "http://x/{id}"\n', "unknown setting 'syndication' in [twitter]"),
    ('twitter = "x"\n', "twitter must be a section"),
    ('[twitter]\nembed_url = "http://x/no-id"\n', "ARCHIVER_TWITTER_EMBED_URL"),
    ('[twitter]\nembed_url = "file:///etc/{id}"\n', "must be an http(s) URL holding {id}"),
    ('[myspace]\nurl = "http://x"\n', "unknown setting 'myspace'"),
])
def test_a_wrong_section_or_endpoint_is_a_one_line_error(tmp_path, text, says):
    with pytest.raises(ArchiverError, match=None) as caught:
        load(config(tmp_path, text), env={})
    assert says in str(caught.value)


def test_an_endpoint_whose_host_is_a_field_trusts_no_host(tmp_path):
    from archiver.net import trusted_hosts

    settings = load(config(tmp_path, ""), env={})
    hosts = trusted_hosts(settings)
    assert "t.co" in hosts and "cdn.syndication.twimg.com" in hosts
    # Mastodon's status API lives on each post's own instance: "https://{host}/...".
    assert "host" not in hosts and not any("{" in h for h in hosts)
