"""The look-up form lives with the dossiers (``dossiers.lookup``); re-exported for the pages."""

from motcua.dossiers.lookup import LookupForm

__all__ = ["LookupForm"]
