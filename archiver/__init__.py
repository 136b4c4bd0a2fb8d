"""archiver: a polite news archiver and near-duplicate detector for Syrian media."""

__version__ = "0.1.0"
