"""A worker's pool child readies itself before its first task: a sample certificate rendered,
so the first learner it serves does not pay for WeasyPrint's first document, and the heap
frozen, so full garbage collections stop walking Django and WeasyPrint every few dozen renders."""

import gc
import logging

import pytest

from certificates import rendering
from lms.celery import settle_pool_child


@pytest.fixture
def fresh_pool_child():
    """This process as a pool child is just after the fork: nothing built, nothing frozen."""
    gc.unfreeze()
    rendering._stylesheet.cache_clear()
    rendering._font_config.cache_clear()
    yield
    gc.unfreeze()


def test_a_pool_child_has_its_renderer_ready_and_its_heap_frozen_before_its_first_task(fresh_pool_child):
    assert rendering._stylesheet.cache_info().currsize == 0
    assert gc.get_freeze_count() == 0

    settle_pool_child()

    assert rendering._stylesheet.cache_info().currsize == 1, "the certificate stylesheet is parsed"
    assert rendering._font_config.cache_info().currsize == 1, "the font configuration is built"
    # Django, the tasks and WeasyPrint: hundreds of thousands of objects a full collection now skips.
    assert gc.get_freeze_count() > 100_000


def test_a_pool_child_whose_renderer_cannot_warm_up_still_starts_and_says_why(fresh_pool_child, monkeypatch, caplog):
    def fonts_missing():
        raise OSError("No usable fonts: is fonts-liberation installed?")

    monkeypatch.setattr(rendering, "warm_renderer", fonts_missing)

    with caplog.at_level(logging.ERROR, logger="lms.celery"):
        settle_pool_child()  # a raise here would stop the child, and the pool would fork it again and again

    [record] = caplog.records
    assert "could not warm up" in record.getMessage()
    assert "No usable fonts" in record.exc_text
    assert gc.get_freeze_count() > 0
