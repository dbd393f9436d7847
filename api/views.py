"""What each view may see: the one place that filters records, list entries and fields by who asks.

Until authentication arrives every request runs in the INTERNAL view (the authority's full archive);
the other views are defined so that a caller's role only has to pick one.
"""

from __future__ import annotations

from api.context import View

ALL_STATUSES = ("ACTIVE", "EXPIRED", "REPAIRED", "REVOKED")
# Repaired and revoked records leave the public and shared views (domain.md); expired ones leave the public view.
VISIBLE_STATUSES = {
    View.PUBLIC: ("ACTIVE",),
    View.JOINT_PUNISHMENT_UNIT: ("ACTIVE", "EXPIRED"),
    View.AUTHORITY: ALL_STATUSES,
    View.INTERNAL: ALL_STATUSES,
}


def allowed_statuses(view: View, asked: list[str] | None) -> tuple[str, ...]:
    """The statuses to fetch: those asked (ACTIVE when none) that the view may see."""
    wanted = asked or ["ACTIVE"]
    return tuple(s for s in ALL_STATUSES if s in wanted and s in VISIBLE_STATUSES[view])


def shows_key_attention(view: View, key_attention_public: bool) -> bool:
    return view is not View.PUBLIC or key_attention_public
