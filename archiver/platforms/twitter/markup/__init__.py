"""Tweets in articles: the markup Twitter hands out, the forms publishers give it,
and what is left of a tweet in plain text."""
