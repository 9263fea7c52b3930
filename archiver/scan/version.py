"""The scanner's version, recorded with every article it reads.

Raise it when the scanner comes to find more or other posts in the same bytes (a
new markup form, cited posts): an article recorded by an older version is then
read once more, even though its bytes are unchanged, instead of keeping what the
older scanner saw for ever.
"""

SCANNER_VERSION = 2
