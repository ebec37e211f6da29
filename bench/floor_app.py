"""The smallest Streamlit page with one offline geo chart: the framework's own cold-load floor on this machine.

Run by the benchmark next to the app's /map page, so the app's figure can be read against what
Streamlit's frontend and plotly.js take before any of the app's code matters. With COOP_FLOOR_FIGURE=map
the one chart is the app's own default flow map (bundled data, no filter), and nothing else is on the page:
the least a page showing that figure can cost. Not part of the app.
"""

import os

import plotly.graph_objects as go
import streamlit as st


@st.cache_resource
def figure() -> go.Figure:
    if os.environ.get("COOP_FLOOR_FIGURE") == "map":
        from coop_data.figures import flow_map
        from coop_data.filters import Filter
        from coop_data.load import load_bundle

        return flow_map(
            Filter().apply(load_bundle().flows), "flows", "Flow map", "All flows", "Sources", 400, "given"
        )[0]
    fig = go.Figure(go.Scattergeo(lat=[48.86, 40.71], lon=[2.35, -74.01], mode="lines"))
    fig.update_geos(projection_type="natural earth", showcountries=True, showcoastlines=False)
    return fig


st.plotly_chart(figure(), config={"topojsonURL": "/app/static/geo/"})
