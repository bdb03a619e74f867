"""How OIP's readings look, the same for the monitor and the reports: words, charts, the map.

`labels` holds the one wording of every enumerated value of `oip.vocabulary`; `charts` the
Vega-Lite charts and their local rendering; `geo` the WB6 tier map (pure: no Django).
"""
