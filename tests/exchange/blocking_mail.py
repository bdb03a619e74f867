"""A mail backend for the worker-kill test: it says it is sending (a marker file named by
OIP_TEST_SENDING), then blocks until its process is killed, so the delivery in hand never
commits."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class BlockingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        Path(os.environ["OIP_TEST_SENDING"]).write_text("sending", encoding="utf-8")
        threading.Event().wait()  # until SIGKILL
        return 0
