"""The test workers themselves: a worker started for one queue must not narrow the ones after it."""

import pytest

from lms.celery import app as celery_app
from tests.workers import worker_in_a_thread

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_worker_for_the_email_queue_leaves_later_workers_every_queue():
    everything = set(celery_app.amqp.queues.consume_from)
    assert {"certificates", "email", "default"} <= everything

    with worker_in_a_thread(queues=["email"]):
        assert set(celery_app.amqp.queues.consume_from) == {"email"}

    # The certificate renders of the next test's worker would otherwise never be picked up.
    assert set(celery_app.amqp.queues.consume_from) == everything
