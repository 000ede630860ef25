"""Domain exceptions. Raised in the core, translated only at the edges (CLI, Gradio)."""


class GovQAError(Exception):
    """Base class: every message is meant to be shown to a person as-is (Chinese first)."""


class InvalidQuestion(GovQAError):
    """The question is empty, too long or has no searchable content."""


class ReportError(GovQAError):
    """A report file cannot be ingested (unreadable, empty, unsupported, too large)."""


class UnsupportedFormat(ReportError):
    pass


class UndecodableText(ReportError):
    pass


class EmptyReport(ReportError):
    pass


class ReportTooLarge(ReportError):
    pass


class NeedsOCR(ReportError):
    pass


class IndexMissing(GovQAError):
    """No report has been ingested yet."""


class LLMUnavailable(GovQAError):
    """The configured generative endpoint failed; callers fall back to the extractive answerer."""


class RateLimited(GovQAError):
    """Too many questions from one session in a short time."""
