"""The fetch stage's event loop ends however its stray tasks behave."""

import asyncio
import time

from archiver.fetch import run_bounded


async def _stubborn():
    # A call that swallows its cancellation and waits on: what a Playwright call into
    # a browser that is gone can look like.
    while True:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            continue


def test_a_task_that_never_ends_is_abandoned_after_the_grace():
    async def main():
        asyncio.get_running_loop().create_task(_stubborn())
        await asyncio.sleep(0)
        return "done"

    started = time.monotonic()
    assert run_bounded(main(), grace=0.3) == "done"
    assert time.monotonic() - started < 5


def test_tasks_that_end_when_cancelled_are_waited_for():
    ended = []

    async def polite():
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            ended.append(True)
            raise

    async def main():
        asyncio.get_running_loop().create_task(polite())
        await asyncio.sleep(0)

    run_bounded(main(), grace=5)
    assert ended == [True]
