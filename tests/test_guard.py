"""The address guard: what may be requested, and that the connection goes to the
address that was checked. The names here never reach real DNS: the Client is
given a resolver, the one place it learns addresses from."""

import pytest

from archiver.net import Client, FetchRefused
from archiver.settings import Settings
from standin import StandIn

PUBLIC = "93.184.215.14"  # a public address; nothing here answers on it


@pytest.fixture
def standin():
    with StandIn() as s:
        s.add_article("inside", "<html><title>Internal page</title></html>")
        yield s


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
