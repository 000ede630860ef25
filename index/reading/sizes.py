"""File-size limits and how sizes are shown in messages."""

MB = 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * MB  # a DOCX inflating past this (or 20× its file size) is refused


def human_size(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{n / 1024:.1f} KB"
