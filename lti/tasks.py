"""Worker tasks for LTI: each loads its row, checks its status and records the outcome."""

import logging

import requests
from celery import shared_task
from django.conf import settings
from pylti1p3.exception import LtiException, LtiServiceException

from lti import ags, services

logger = logging.getLogger(__name__)

MAX_SCORE_RETRIES = 5  # six tries in all, over about ten minutes with the default base


@shared_task(
    bind=True, name="lti.send_score", acks_late=True, reject_on_worker_lost=True, max_retries=MAX_SCORE_RETRIES
)
def send_score(self, link_id: int) -> None:
    link = services.score_send_start(link_id=link_id)
    if link is None:
        return  # already sent, failed for good, or gone
    try:
        ags.score_post(link)
    except (LtiServiceException, LtiException, requests.RequestException) as error:
        final = self.request.retries >= self.max_retries
        services.score_send_failed(link_id=link_id, error=f"{type(error).__name__}: {error}", final=final)
        if final:
            logger.error("The LMS refused the score of grade link %s after %s tries", link_id, link.tries)
            return
        raise self.retry(
            exc=error, countdown=settings.LTI_SCORE_RETRY_BASE_SECONDS * 2**self.request.retries
        ) from error
    services.score_sent(link_id=link_id)


@shared_task(name="lti.sweep_score_passbacks")
def sweep_score_passbacks() -> int:
    return services.scores_sweep()
