"""Errors of the index layer. Every domain error derives from GovQAError, which the app translates
at its edges (CLI, Gradio); messages are meant to be shown to a person as-is (Chinese first)."""


class GovQAError(Exception):
    """Base class of every domain error, in this layer and above."""


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


class UnreadableReport(ReportError):
    """A reader failed in a way it did not foresee (a hostile or broken file)."""


class DocIdTaken(ReportError):
    """--replace named a report id, or a file asked for one, that another source holds."""


class DiskFull(GovQAError):
    """Too little free disk space to ingest, or the disk filled up while writing."""


class StoreUnavailable(GovQAError):
    """The vector store or the embedding model cannot be reached or loaded."""


class ModelUnavailable(GovQAError):
    """The embedding model is not installed, or its backend is unknown."""
