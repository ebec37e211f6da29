"""Protocol-level Streamlit sessions for load generation: what the browser sends on a page load or a
link click (a BackMsg `rerun_script` with the page and query string), without any rendering.

Load-testing tools (Locust, k6) work the same way: the other users' load is made at the protocol
level, so the machine's cores go to the server and to the one real browser whose experience is
measured, not to ten renderers sharing two cores.
"""

from __future__ import annotations

import json
import time

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


class Session:
    def __init__(self, base_url: str, keep_text: bool = False):
        self.keep_text = (
            keep_text  # also return the page's markdown (captions, notices), not only chart titles
        )
        self.ws_url = base_url.replace("http://", "ws://") + "/_stcore/stream"
        self.origin = base_url
        self.ws = None

    async def __aenter__(self) -> Session:
        self.ws = await websockets.connect(
            self.ws_url,
            subprotocols=["streamlit"],
            origin=self.origin,
            max_size=None,
            ping_interval=None,  # browsers send no pings; a client ping unanswered under load read as an error
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    async def run(self, page: str, query: str = "") -> tuple[float, str]:
        """One script run, as a page load or a link click does; returns (seconds to script_finished, the chart titles sent)."""
        m = BackMsg()
        m.rerun_script.query_string = query
        m.rerun_script.page_name = page
        t = time.perf_counter()
        await self.ws.send(m.SerializeToString())
        titles = []
        while True:
            f = ForwardMsg()
            f.ParseFromString(await self.ws.recv())
            kind = f.WhichOneof("type")
            el = f.delta.new_element if kind == "delta" else None
            spec = {}
            if el is not None and el.WhichOneof("type") == "plotly_chart":
                spec = json.loads(el.plotly_chart.spec or "{}")
            elif el is not None and el.WhichOneof("type") == "bidi_component" and el.bidi_component.json:
                spec = json.loads(
                    json.loads(el.bidi_component.json).get("spec") or "{}"
                )  # geo charts (coop_ui.geo_chart)
            if spec:
                titles.append(str(spec.get("layout", {}).get("title", {}).get("text", "")))
            elif self.keep_text and el is not None and el.WhichOneof("type") == "markdown":
                titles.append(el.markdown.body)
            if kind == "script_finished":
                return time.perf_counter() - t, " ".join(titles)
