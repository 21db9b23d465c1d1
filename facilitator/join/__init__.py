"""The room joins in: participants send ideas and dots from their own phones.

While a session runs, the facilitator can open the room (F6): the app serves one small page and
a JSON API on the room's own network, from its own event loop. Nothing here imports Textual; the
app gives the server a `Wall` to call (see `server.py`).
"""
