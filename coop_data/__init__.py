"""City Solidarity Flows data library: schema, loading, validation, places,
classification, totals and figures - usable from a notebook, no Streamlit needed."""

from .load import Bundle, load_bundle  # noqa: F401

__version__ = "0.2.0"
