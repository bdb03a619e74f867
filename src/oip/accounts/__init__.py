"""Who may act in OIP: user accounts, the organisations they belong to, and memberships.

The public monitor needs no account; the analysts' admin and, later, the liaison exchange do.
"""
