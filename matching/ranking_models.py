"""What the ranking stores: cached embeddings, the ranking outbox and the ranked candidates."""

from __future__ import annotations

import numpy as np
from django.db import models
from django.utils.translation import gettext_lazy as _

from requests_app.models import HelpRequest
from volunteers.models import Volunteer


class Embedding(models.Model):
    """One text's vector for one model, so an unchanged text is never encoded twice."""

    model_name = models.CharField(_("model"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10)  # "query" or "passage" (e5 prefixes differ)
    text_hash = models.CharField(_("text hash"), max_length=64)
    dim = models.PositiveSmallIntegerField(_("dimensions"))
    vector = models.BinaryField(_("vector"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("embedding")
        verbose_name_plural = _("embeddings")
        constraints = [
            models.UniqueConstraint(
                fields=["model_name", "kind", "text_hash"], name="embedding_unique_text"
            )
        ]

    def __str__(self) -> str:
        return f"{self.model_name} {self.kind} {self.text_hash[:12]}"

    def as_array(self) -> np.ndarray:
        return np.frombuffer(bytes(self.vector), dtype=np.float32).reshape(self.dim)


class RankingStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Ranking")
    DONE = "done", _("Ranked")
    FAILED = "failed", _("Failed")


class RankingJob(models.Model):
    """The outbox row of a request that needs (re)ranking; the sweep re-queues stale ones.

    ``generation`` goes up on every schedule: a run only marks the job done if no newer
    schedule came in while it ranked, so an edit during a run is never lost.
    """

    request = models.OneToOneField(
        HelpRequest, on_delete=models.CASCADE, related_name="ranking_job", verbose_name=_("request")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RankingStatus.choices, default=RankingStatus.PENDING
    )
    generation = models.PositiveIntegerField(_("generation"), default=1)
    requested_at = models.DateTimeField(_("requested"))
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    ranked_at = models.DateTimeField(_("ranked"), null=True, blank=True)
    model_name = models.CharField(_("model"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("ranking job")
        verbose_name_plural = _("ranking jobs")
        indexes = [models.Index(fields=["status", "requested_at"], name="rankingjob_sweep")]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.status}"


class RankedCandidate(models.Model):
    """A volunteer ranked for a request, best first, with the reasons the ranker used."""

    request = models.ForeignKey(
        HelpRequest,
        on_delete=models.CASCADE,
        related_name="ranked_candidates",
        verbose_name=_("request"),
    )
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="rankings",
        verbose_name=_("volunteer"),
    )
    position = models.PositiveIntegerField(_("position"))
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list)  # [{"code": ..., "params": {...}}]
    components = models.JSONField(_("score parts"), default=dict)
    model_name = models.CharField(_("model"), max_length=200, blank=True)
    ranked_at = models.DateTimeField(_("ranked"))

    class Meta:
        ordering = ("request", "position")
        verbose_name = _("ranked candidate")
        verbose_name_plural = _("ranked candidates")
        constraints = [
            models.UniqueConstraint(fields=["request", "volunteer"], name="rankedcandidate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.request_id} #{self.position}: {self.volunteer_id}"
