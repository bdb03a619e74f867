"""The liaison exchange's Django shell: the store, named actions, API, pages and worker.

The rules live in the pure `oip.liaison`; this package stores immutable facts, decides access on
every read through `oip.liaison.access.decide` over `oip.standings.standing(..., fresh=True)`,
and turns what contact points do into evidence.
"""
