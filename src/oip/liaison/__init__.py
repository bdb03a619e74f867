"""The liaison exchange's pure core: templates, TLP 2.0, the access rule, clocks and calendars.

No Django here (the purity test holds it to that, and mypy checks it strictly): plain values in,
plain values out, so every rule is property-tested in milliseconds like `oip.conditionality`.
The Django shell around it is `oip.exchange`. Design: docs/exchange.md.
"""
