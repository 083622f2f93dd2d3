"""The local private storage: files on disk that no URL points at (the views stream them)."""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """FileSystemStorage without URLs: ``url()`` would fall back to MEDIA_URL, a public path."""

    def url(self, name: str | None) -> str:
        raise NotImplementedError("Private files have no URL; serve them through a view.")
