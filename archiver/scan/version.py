"""The scanner's version, recorded with every article it reads.

Raise it when the scanner comes to find more or other posts in the same bytes (a
new markup form, cited posts): an article recorded by an older version is then
read once more, even though its bytes are unchanged, instead of keeping what the
older scanner saw for ever.
"""

# 2: cited posts and publishers' forms. 3: the other nine platforms' posts, and
# markup read as browsers build it (Lexbor's HTML5 parse).
SCANNER_VERSION = 3
