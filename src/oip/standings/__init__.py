"""The read path every part calls: data version, evaluation, standing(), region and coverage.

Imports run one way: the pure core <- evidence <- standings <- monitor, reports, api, exchange.
"""
