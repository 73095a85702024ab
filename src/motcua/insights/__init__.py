"""Insights: process mining on the dossier history (reads the ledger, never writes to it)."""
