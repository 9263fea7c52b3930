"""A stand-in for the network the archiver talks to (t.co, syndication, oEmbed, embed page, X).

Importable without pytest. See server.StandIn for the API.
"""

from .data import AVAILABILITY, BEHAVIOURS, ENDPOINTS, TRANSPORT, Article, Fault, Link, Media, Tweet
from .jsnum import js_number_to_string, syndication_token
from .server import Request, StandIn, standin_fixture
from .witness import SECRET, Witness

__all__ = [
    "AVAILABILITY",
    "BEHAVIOURS",
    "ENDPOINTS",
    "SECRET",
    "TRANSPORT",
    "Article",
    "Fault",
    "Link",
    "Media",
    "Request",
    "StandIn",
    "Tweet",
    "Witness",
    "js_number_to_string",
    "standin_fixture",
    "syndication_token",
]
