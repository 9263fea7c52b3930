"""Browsing the archive in Datasette: metadata, canned queries, a display plugin
that renders captures and statuses, the capture files served read-only, and
`archiver serve`.

    metadata.py   titles, descriptions, facets, labels, canned queries
    captures.py   which capture file a URL may reach, and the headers it is sent with
    plugin.py     Datasette hooks: render_cell, the captures route, the stylesheet
    serve.py      a Datasette over ARCHIVE/archive.db, opened read-only, run by uvicorn
"""
