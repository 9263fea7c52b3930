"""The command line: parse, call the library, format. Nothing else lives here.

Heavy modules are imported inside the commands that need them, so that
`archiver lookup` stays quick.
"""

from __future__ import annotations

import functools
import sys

import click

from .cli_output import Reporter, format_article, format_posts, format_status, show

# Exit codes (documented in the README).
EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_FATAL = 3
EXIT_LOCKED = 4
EXIT_CRASH = 5  # an unexpected exception: a bug, reported with its traceback
EXIT_PIPE = 141  # the reader of our output went away (as a shell reports SIGPIPE)
# 130 after Ctrl-C, 143 after SIGTERM: see archiver/interrupt.py.


def fail(message: str, code: int = EXIT_FATAL):
    click.echo(f"Error: {show(message)}", err=True)
    sys.exit(code)


class ArchiverGroup(click.Group):
    """Ends every command with a documented exit code: an interrupt is 130 (143 for
    SIGTERM), a closed pipe 141, and an exception nobody expected is a bug, exit 5
    with its traceback, never the "complete with failures" 1."""

    def invoke(self, ctx):
        import traceback

        from . import interrupt

        interrupt.install()
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort,
                SystemExit):
            raise
        except KeyboardInterrupt:
            why = interrupt.interrupted_by()
            click.echo(f"\n{why[0].upper()}{why[1:]}: stopped.", err=True)
            sys.exit(interrupt.exit_code())
        except BrokenPipeError:
            import os

            # Python would complain again when flushing stdout at exit.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_PIPE)
        except Exception as exc:  # noqa: BLE001 - the one place a bug is turned into an exit
            traceback.print_exc(file=sys.stderr)
            click.echo(f"Error: internal error, a bug in archiver: {show(repr(exc))}"
                       f" (exit {EXIT_CRASH})", err=True)
            sys.exit(EXIT_CRASH)


def _one_format(ctx, param, value):
    if value:
        chosen = ctx.meta.setdefault("archiver_formats", set())
        chosen.add(param.name)
        if len(chosen) > 1:
            raise click.UsageError("--json and --nl: choose one")
    return value


class Days(click.ParamType):
    """A number of days, zero or more; any size is fine (further back than the
    calendar goes means every post), not-a-number is not."""

    name = "days"

    def convert(self, value, param, ctx):
        import math

        try:
            days = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of days", param, ctx)
        if math.isnan(days) or days < 0:
            self.fail(f"{value!r} is not a number of days (0 or more)", param, ctx)
        return days


def output_options(func):
    func = click.option("--nl", "as_nl", is_flag=True, callback=_one_format, expose_value=True,
                        help="Print one JSON object per line.")(func)
    func = click.option("--json", "as_json", is_flag=True, callback=_one_format,
                        help="Print a JSON array.")(func)

    def wrapper(*args, as_json=False, as_nl=False, **kwargs):
        return func(*args, fmt="json" if as_json else "nl" if as_nl else None, **kwargs)

    return functools.update_wrapper(wrapper, func)


@click.group(cls=ArchiverGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="archiver")
@click.option(
    "--archive",
    "archive",
    type=click.Path(file_okay=False),
    envvar="ARCHIVER_ARCHIVE",
    default=None,
    help="Archive folder holding archive.db and captures"
    " [env ARCHIVER_ARCHIVE; default ./archive].",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    default=None,
    help="Settings file [default ./archiver.toml when present].",
)
@click.pass_context
def cli(ctx, archive, config):
    """Keep what news articles showed their readers from social media.

    Example: archiver scan seeds/ && archiver lookup @dwnews
    """
    ctx.obj = {"archive": archive, "config": config}


def _settings(ctx):
    from .errors import ArchiverError
    from .settings import load

    try:
        settings = load(ctx.obj["config"])
    except ArchiverError as exc:
        fail(str(exc))
    if ctx.obj["archive"]:
        settings.archive = ctx.obj["archive"]
    return settings


quiet_option = click.option("-q", "--quiet", is_flag=True,
                            help="Print only errors and the final summary.")


def cluster_option(func):
    return click.option(
        "--cluster", metavar="ADDRESS",
        help="Scan on a Dask cluster: tcp://HOST:PORT of a running scheduler, or local[:N]"
             " for N worker processes here (see At scale in the README).")(func)


def sources_file_option(func):
    return click.option(
        "--sources", "sources_file", type=click.Path(dir_okay=False),
        help="A file listing sources, one per line ('#' starts a comment).")(func)


def _listed(sources, sources_file) -> list[str]:
    from .errors import SourceError
    from .scan.feeds import read_sources_file

    specs = list(sources)
    try:
        if sources_file:
            specs += read_sources_file(sources_file)
    except SourceError as exc:
        fail(str(exc), EXIT_USAGE)
    return specs


@cli.command()
@click.argument("sources", nargs=-1)
@sources_file_option
@output_options
@cluster_option
@quiet_option
@click.pass_context
def scan(ctx, sources, sources_file, fmt, cluster, quiet):
    """Find embedded posts and their short links (t.co and the like) in articles and record them.

    SOURCES are files (HTML or plain text, told apart by their content),
    directories (read recursively), http(s) URLs, - for standard input, and web
    archives (.warc, .warc.gz, .wacz files or URLs): every HTML or text page they
    hold is an article.

    Example: archiver scan seeds/ https://example.com/news/story.html --json
    """
    import sqlite3

    from .errors import ArchiverError
    from .scan.stage import scan_sources

    if not sources and not sources_file:
        raise click.UsageError("give SOURCES or --sources FILE")
    specs = _listed(sources, sources_file)
    settings = _settings(ctx)
    results = []
    emit = _emitter(fmt)
    try:
        report = scan_sources(
            specs,
            settings,
            on_result=lambda r: (results.append(r), emit(r, quiet)),
            on_error=lambda e: click.echo(f"Error: {show(str(e))}", err=True),
            progress=None if quiet or fmt else _progress(),
            cluster=cluster,
        )
    except ArchiverError as exc:
        fail(str(exc))
    except (OSError, sqlite3.Error) as exc:  # a full disk, a folder gone read-only
        fail(f"cannot write to the archive at {settings.archive}: {exc}")
    if fmt == "json":
        import json

        click.echo(json.dumps([r.to_json() for r in results], ensure_ascii=False, indent=2))
    click.echo(report.summary(), err=bool(fmt) or quiet)
    sys.exit(EXIT_SOME_FAILED if report.failed else EXIT_OK)


def _progress():
    if not sys.stderr.isatty():
        return None

    def count(done: int, total: int | None) -> None:
        click.echo(f"\r{done}/{total or '?'} sources", err=True, nl=False)

    return count


def _emitter(fmt):
    import json

    def emit(result, quiet):
        if fmt == "nl":
            click.echo(json.dumps(result.to_json(), ensure_ascii=False))
        elif fmt is None and not quiet and not result.error:  # errors go to stderr once
            click.echo(show(format_article(result)))

    return emit


def _job(ctx, command: str, quiet: bool, sources=(), sources_file=None, recheck=None,
         retry_failed=False, fetch=True, refresh=False, upgrade=False, cluster=None):
    """Run a job and report it; the work itself is nightly.run_job's."""
    from .errors import ArchiverError
    from .jobs import LockHeld
    from .nightly import run_job

    settings = _settings(ctx)
    specs = _listed(sources, sources_file)
    reporter = Reporter(quiet)
    if cluster and fetch and not quiet:
        click.echo("The cluster scans; fetching stays on this machine (its pace is set by"
                   " politeness to the platforms, not by CPU).", err=True)

    def on_source(result):
        if result.error:
            click.echo(f"Error: {show(result.source)}: {show(result.error)}", err=True)
        elif not quiet and not reporter.tty:
            click.echo(show(format_article(result)), err=True)

    try:
        result = run_job(settings, command, specs, fetch=fetch, recheck_days=recheck,
                         retry_failed=retry_failed, refresh=refresh, upgrade=upgrade,
                         on_event=reporter,
                         on_source=on_source, cluster=cluster)
    except LockHeld as exc:
        fail(str(exc), EXIT_LOCKED)
    except ArchiverError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write to the archive at {settings.archive}: {exc}")
    reporter.done()
    if result.stale_lock_of and not quiet:
        click.echo(f"Took over the lock of process {result.stale_lock_of}, which is gone.",
                   err=True)
    if result.error:
        click.echo(f"Error: {show(result.error)}", err=True)
    if result.scanned_any:
        click.echo(result.scanned.summary())
    if result.fetched:
        click.echo(result.fetched.summary())
    sys.exit(result.exit_code)


@cli.command()
@click.argument("sources", nargs=-1)
@sources_file_option
@click.option("--recheck", type=Days(), metavar="DAYS",
              help="Also recheck archived posts last checked more than DAYS ago.")
@cluster_option
@quiet_option
@click.pass_context
def run(ctx, sources, sources_file, recheck, cluster, quiet):
    """Scan SOURCES, then fetch and capture every post and link that is due.

    The nightly job: new articles are scanned (feeds and sitemaps expand to the
    articles they list; unchanged articles are not parsed again), links resolved,
    posts fetched, classified and captured; what failed is tried again when due.

    Example: archiver run --sources newsroom.txt --recheck 30 --quiet
    """
    if not sources and not sources_file:
        raise click.UsageError("give SOURCES or --sources FILE")
    _job(ctx, "run", quiet, sources, sources_file, recheck=recheck, cluster=cluster)


@cli.command()
@click.option("--retry-failed", is_flag=True,
              help="Also retry posts and links that used up their attempts.")
@quiet_option
@click.pass_context
def fetch(ctx, retry_failed, quiet):
    """Fetch and capture the posts and links that are pending or due for retry.

    Example: archiver fetch --retry-failed
    """
    _job(ctx, "fetch", quiet, retry_failed=retry_failed)


@cli.command()
@click.option("--days", type=Days(), default=30, show_default=True,
              help="Recheck archived posts last checked more than this many days ago.")
@quiet_option
@click.pass_context
def recheck(ctx, days, quiet):
    """Revisit archived posts: notice deletions and edits since capture.

    A post gone since is marked deleted or unavailable with the date it was
    first seen gone, and keeps its captures; an edited post gets a new capture.

    Example: archiver recheck --days 7
    """
    _job(ctx, "recheck", quiet, recheck=days)


@cli.command()
@quiet_option
@click.pass_context
def refresh(ctx, quiet):
    """Fill in media and exact times of posts archived from oEmbed alone.

    oEmbed gives a post's text but no media and only its date; where syndication
    withheld the post then and answers now, what it adds is recorded. The live
    text and the captures stay as they are (a recheck takes a new look).

    Example: archiver refresh --quiet
    """
    _job(ctx, "refresh", quiet, refresh=True)


@cli.command("upgrade-captures")
@quiet_option
@click.pass_context
def upgrade_captures(ctx, quiet):
    """Give posts captured before captures kept a WACZ and media a capture that does.

    Each archived post none of whose captures has a WACZ is looked up again and,
    where it is still there, captured anew: a new capture folder with its WACZ,
    its photos and videos at full quality and the rest. The old captures are not
    touched. A post gone since is recorded as a recheck records it.

    Example: archiver upgrade-captures --quiet
    """
    _job(ctx, "upgrade-captures", quiet, upgrade=True)


@cli.command("show")
@click.argument("post_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON.")
@click.option("--open", "open_screenshot", is_flag=True,
              help="Open the latest screenshot in the default viewer.")
@click.pass_context
def show_post(ctx, post_id, as_json, open_screenshot):
    """Print one post's record with its captures and their files.

    ID is the post's id (1479070000000000000) or platform:id (twitter:1479…).

    Example: archiver show 1479070000000000000 --open
    """
    import json
    import os

    from . import show as reader

    archive = ctx.obj["archive"] or _archive_without_settings(ctx) or os.path.join(".", "archive")
    try:
        records = reader.post_records(archive, post_id)
    except reader.NoSuchPost as exc:
        fail(str(exc), EXIT_SOME_FAILED)
    except reader.ArchiveUnreadable as exc:
        fail(str(exc))
    if as_json:
        click.echo(json.dumps(records if len(records) > 1 else records[0],
                              ensure_ascii=False, indent=2))
    else:
        click.echo("\n\n".join(show(reader.format_record(r)) for r in records))
    if open_screenshot:
        shot = reader.latest_screenshot(records[-1])
        if shot is None:
            fail("the post has no screenshot", EXIT_SOME_FAILED)
        click.launch(os.path.join(archive, shot))


@cli.command()
@click.argument("post_id", metavar="[ID]", required=False)
@output_options
@click.option("--no-wacz", is_flag=True, help="Hash the files only; do not validate each WACZ.")
@click.pass_context
def verify(ctx, post_id, fmt, no_wacz):
    """Check that every capture file is as it was recorded.

    Each file the archive records (of one post, with ID) is hashed again and held
    against its folder's manifest.json and the database; each WACZ is validated
    as `wacz validate` does. Missing or changed files are listed; exit code 1
    when there are any.

    Example: archiver verify 1479070000000000000
    """
    import json
    import os

    from .verify import ArchiveUnreadable, NoSuchPost
    from .verify import verify as check

    archive = ctx.obj["archive"] or _archive_without_settings(ctx) or os.path.join(".", "archive")
    try:
        result = check(archive, post_id, wacz=not no_wacz)
    except NoSuchPost as exc:
        fail(str(exc), EXIT_SOME_FAILED)
    except ArchiveUnreadable as exc:
        fail(str(exc))
    if fmt == "json":
        click.echo(json.dumps([p.to_json() for p in result.problems], ensure_ascii=False,
                              indent=2))
    elif fmt == "nl":
        for problem in result.problems:
            click.echo(json.dumps(problem.to_json(), ensure_ascii=False))
    else:
        for problem in result.problems:
            click.echo(show(f"{problem.what}: {problem.path}: {problem.detail}"))
    click.echo(result.summary(), err=bool(fmt))
    sys.exit(EXIT_OK if result.ok else EXIT_SOME_FAILED)


@cli.command()
@output_options
@click.pass_context
def status(ctx, fmt):
    """Print the archive's totals, what is due, and the last runs.

    Example: archiver status --json
    """
    import json

    from . import clock
    from .status import ArchiveUnreadable, archive_status

    settings = _settings(ctx)
    try:
        data = archive_status(settings, clock.make_clock(settings.now)())
    except ArchiveUnreadable as exc:
        fail(str(exc))
    if fmt:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2 if fmt == "json" else None))
        return
    click.echo(show(format_status(data)))


@cli.command()
@click.argument("handle")
@output_options
@click.option("--since", metavar="DATE", help="Only posts dated on or after DATE (YYYY-MM-DD;"
              " other ISO 8601 dates, 20220101 or 2022-W01, mean the day they name).")
@click.option("--until", metavar="DATE", help="Only posts dated on or before DATE (YYYY-MM-DD).")
@click.option("--search", metavar="TEXT", help="Only posts whose text or author match TEXT.")
@click.option("--platform", metavar="NAME",
              help="Only posts of this platform (twitter, bluesky, mastodon, ... or x, bsky).")
@click.pass_context
def lookup(ctx, handle, fmt, since, until, search, platform):
    """Show the archived posts of one account, newest first.

    HANDLE is case-insensitive; the '@' is optional. The same handle on two
    platforms is two accounts: name the platform before it (bluesky:@name.bsky.social,
    x:@jack) or with --platform; without one, every platform's posts by that
    handle are shown.

    Example: archiver lookup @dwnews --since 2022-01-01 --json
    """
    import json
    import os

    from . import lookup as reader

    since, until = _date_option("--since", since), _date_option("--until", until)
    archive = ctx.obj["archive"] or _archive_without_settings(ctx) or os.path.join(".", "archive")
    try:
        records = reader.lookup(archive, handle, since=since, until=until, search=search,
                                platform=platform)
    except reader.UnknownPlatform as exc:
        raise click.BadParameter(str(exc), param_hint="HANDLE or --platform") from None
    except reader.ArchiveUnreadable as exc:
        fail(str(exc))
    if fmt == "json":
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
    elif fmt == "nl":
        for record in records:
            click.echo(json.dumps(record, ensure_ascii=False))
    else:
        click.echo(show(format_posts(records, handle)))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface).")
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8001, show_default=True,
              help="Port to listen on (0 picks a free one).")
@click.option("--open", "open_browser", is_flag=True, help="Open the posts page in a browser.")
@click.pass_context
def serve(ctx, host, port, open_browser):
    """Browse the archive in Datasette: captures, search and queries.

    The database is opened read-only, so a run may write to it meanwhile. Capture
    files are served from /-/captures/; pages download as text and never run.

    Example: archiver serve --port 8001 --open
    """
    from .datasette.serve import ArchiveMissing, ServeOptions, serve_archive
    from .errors import ArchiverError

    settings = _settings(ctx)
    options = ServeOptions(host=host, port=port, open_browser=open_browser,
                           max_attempts=settings.max_attempts)
    try:
        serve_archive(settings.archive, options,
                      on_ready=lambda url: click.echo(
                          f"Browse the archive at {url} (Ctrl-C stops)", err=True))
    except (ArchiveMissing, ArchiverError) as exc:
        fail(str(exc))


def _archive_without_settings(ctx) -> str | None:
    """The archive folder from archiver.toml, read only when one is present."""
    import os

    if ctx.obj["config"] or os.path.exists("archiver.toml"):
        return _settings(ctx).archive
    return None


def _date_option(name: str, value: str | None) -> str | None:
    """A date as the archive stores it (YYYY-MM-DD), so that comparing strings compares
    dates: other ISO 8601 forms (20220101, 2022-W01) are turned into it."""
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)",
                                 param_hint=name) from None


if __name__ == "__main__":
    cli()
