"""What the command line prints for a person: outside text made harmless for a
terminal, articles, posts and the archive's status formatted, and the progress of
a job on stderr. The JSON outputs are the commands' own (cli.py)."""

from __future__ import annotations

import sys
import textwrap

import click

from .clean import printable


def show(text: str) -> str:
    """Outside text made harmless for a terminal (escapes stay visible, never act)."""
    return printable(text)


def format_article(result) -> str:
    if result.error:
        return f"{result.source}: failed: {result.error}"
    head = f"{result.source}: {len(result.embeds)} embeds, {len(result.links)} links"
    if result.title:
        head += f" - {result.title}"
    lines = [head]
    for e in result.embeds:
        parts = [e.platform, f"@{e.handle}" if e.handle else "(handle unknown)"]
        if e.author:
            parts.append(f"({e.author})")
        parts += [e.date or "(no date)", f"id {e.id}" if e.id else "(id unknown)"]
        lines.append("  " + " ".join(parts))
    for warning in result.warnings:
        lines.append(f"  warning: {warning}")
    return "\n".join(lines)


class Reporter:
    """Progress on stderr: a status line on a terminal, a line per event otherwise,
    nothing but errors with --quiet."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.counts: dict[str, int] = {}
        self.stage, self.total, self.done_in_stage = "", 0, 0

    def __call__(self, event: dict) -> None:
        kind = event.get("event")
        if self.quiet:
            return
        if kind == "plan":
            if self.tty and self.done_in_stage:
                click.echo("", err=True)
            self.stage, self.total, self.done_in_stage = event["stage"], event["total"], 0
            return
        if kind not in ("link", "post", "recheck", "refresh"):
            return
        key = f"{kind}s {event.get('outcome')}"
        self.counts[key] = self.counts.get(key, 0) + 1
        self.done_in_stage += 1
        if self.tty:
            width = 30
            filled = width * self.done_in_stage // max(self.total, 1)
            outcomes = ", ".join(f"{n} {k.split(' ', 1)[1]}" for k, n in sorted(
                self.counts.items()) if k.startswith(kind))
            click.echo(f"\r\x1b[K{self.stage:<8} [{'#' * filled}{'.' * (width - filled)}]"
                       f" {self.done_in_stage}/{self.total}  {outcomes}", err=True, nl=False)
        elif kind == "link":
            click.echo(show(f"link {event['code']}: {event['error'] or event['resolved']}"),
                       err=True)
        else:
            who = f" @{event['handle']}" if event.get("handle") else ""
            click.echo(show(f"{kind} {event['post'] or '?'}{who}: {event['outcome']}"
                            f" ({event.get('reason')})"), err=True)

    def done(self) -> None:
        if self.tty and self.counts and not self.quiet:
            click.echo("", err=True)


def format_status(data: dict) -> str:
    """`archiver status` for a person: totals, what is due, the last runs."""
    lines = [
        f"Archive: {data['archive']}",
        f"Articles: {data['articles']} ({data['source_failures']} sources failed)",
        "Posts: " + ", ".join(f"{n} {k}" for k, n in data["posts"].items()),
        f"Links: {data['links']['resolved']} resolved, {data['links']['failed']} failed,"
        f" {data['links']['pending']} pending",
    ]
    if data["upgrade_pending"]:
        lines.append("Made by an older archiver: the next run, fetch or scan upgrades it"
                     f" ({', '.join(data['upgrade_pending'])}).")
    if data["due"]["posts"] is not None:
        lines.append(f"Due now: {data['due']['posts']} posts, {data['due']['links']} links;"
                     f" waiting for --retry-failed: {data['due']['exhausted']}")
    if data["due"]["next_at"]:
        lines.append(f"Next retry due at {data['due']['next_at']}")
    for r in data["runs"]:
        state = ("running or interrupted" if r["ended_at"] is None
                 else f"exit {r['exit_code']}")
        lines.append(f"Run {r['id']} {r['command']} {r['started_at']} -"
                     f" {r['ended_at'] or '?'}: {state}")
    return "\n".join(lines)


def format_posts(records: list[dict], handle: str) -> str:
    if not records:
        return f"No posts archived for @{handle.lstrip('@')}."
    width = 78
    out = []
    for r in records:
        out.append(
            f"{r['date'] or '????-??-??'}  {r['platform']}  @{r['handle']}  {r['author'] or ''}  "
            f"[{r['status']}{': ' + r['status_reason'] if r['status_reason'] else ''}]"
        )
        out.append(f"  {r['url'] or 'id not known yet'}")
        for para in (r["text"] or "(no text preserved)").split("\n"):
            out.extend(textwrap.wrap(para, width, initial_indent="  | ", subsequent_indent="  | "))
        if r["live_text"] and r["live_text"] != r["text"]:
            out.append("  live text differs:")
            for para in r["live_text"].split("\n"):
                out.extend(textwrap.wrap(para, width, initial_indent="  > ",
                                         subsequent_indent="  > "))
        for source in r["articles"]:
            out.append(f"  in: {source}")
        for source in r["cited_in"]:
            out.append(f"  cited in: {source}")
        for s in r["snapshots"]:
            out.append(f"  capture: {s['kind']} {s['path']} ({s['captured_at']})")
        out.append("")
    out.append(f"{len(records)} post{'s' if len(records) != 1 else ''}")
    return "\n".join(out)
