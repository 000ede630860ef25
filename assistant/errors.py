"""Errors of the answering layer; they share the index layer's base, GovQAError, so the edges
(CLI, Gradio) translate one family."""

from index.errors import GovQAError


class InvalidQuestion(GovQAError):
    """The question is empty, too long or has no searchable content."""


class IndexMissing(GovQAError):
    """No report has been ingested yet."""


class LLMUnavailable(GovQAError):
    """The configured generative endpoint failed; callers fall back to the extractive answerer."""


class RateLimited(GovQAError):
    """Too many requests from one client address in a short time."""


class LockedOut(GovQAError):
    """Too many wrong staff passwords lately, from this client or from everyone."""


class CommentTooLong(GovQAError):
    """A feedback comment over the configured length."""
