"""Một Cửa: one-stop administrative procedures and reform monitoring for a Vietnamese province."""
