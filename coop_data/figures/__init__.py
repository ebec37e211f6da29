"""Figure builders: plain functions from data frames to Plotly figures (no Streamlit)."""

from .common import TOPOJSON_DIR, TOPOJSON_URL, geo_config  # noqa: F401
from .flowmap import flow_map  # noqa: F401
from .sankey import sankey  # noqa: F401
from .timeline import timeline_chart  # noqa: F401
