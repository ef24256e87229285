"""`contract proxy`: judge the traffic a team already has — a reverse proxy in front of the target.

A way to produce :class:`~contract.model.Exchange`s parallel to replay: replay sends the requests
it generates, the proxy forwards the requests someone else sends (`forward.py`); both are judged by
the same live checks (`judge.py` adds the request side); exchanges are recorded as HAR 1.2
(`contract/har.py`, shared with the run) and re-judged offline (`contract judge`); `session.py` wires and serves them.
"""

from contract.har import HarRecorder, har_entry, read_har
from contract.proxy.forward import HOP_BY_HOP, ForwardConfig, create_app, end_to_end
from contract.proxy.judge import Judge
from contract.proxy.session import Proxy, ProxySession, SessionOptions, serve

__all__ = ["HOP_BY_HOP", "ForwardConfig", "HarRecorder", "Judge", "Proxy", "ProxySession", "SessionOptions",
           "create_app", "end_to_end", "har_entry", "read_har", "serve"]
