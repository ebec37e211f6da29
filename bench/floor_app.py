"""The smallest Streamlit page with one offline geo chart: the framework's own cold-load floor on this machine.

Run by the benchmark next to the app's /map page, so the app's figure can be read against what
Streamlit's frontend and plotly.js take before any of the app's code matters. Not part of the app.
"""
import plotly.graph_objects as go
import streamlit as st

fig = go.Figure(go.Scattergeo(lat=[48.86, 40.71], lon=[2.35, -74.01], mode="lines"))
fig.update_geos(projection_type="natural earth", showcountries=True, showcoastlines=False)
st.plotly_chart(fig, config={"topojsonURL": "/app/static/geo/"})
