"""Act as a partner in another process (another page's kernel, another serve process): for live-feed tests."""

from __future__ import annotations

import subprocess
import sys

SHARE_FROM_ANOTHER_PROCESS = (
    "import sys\n"
    "from purposecase.model import Item, PartnerDraft\n"
    "from purposecase.pieces import PIECE_KEYS\n"
    "from purposecase.store import open_store\n"
    "from purposecase.workspace import open_workspace\n"
    "s = open_workspace(sys.argv[2], store=open_store(sys.argv[1]))\n"
    "p = {k: [] for k in PIECE_KEYS}\n"
    "p.update(impact=[Item(text=sys.argv[3])], intenties=[Item(text='Groeien')], inbreng=[Item(text='Geld')])\n"
    "s.save_my_draft(PartnerDraft(pieces=p), base=s.my_draft().base)\n"
    "s.set_my_draft_shared(True)\n"
)


def share_from_another_process(url: str, token: str, impact: str) -> None:
    """Save and share the partner's draft (``token``) with ``impact`` from a separate Python process."""
    subprocess.run([sys.executable, "-c", SHARE_FROM_ANOTHER_PROCESS, url, token, impact], check=True, timeout=120)
