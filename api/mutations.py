"""The root Mutation and Subscription types: the joint-punishment loop (api/loop.py, api/live.py) and repair and
objections (api/repair.py)."""

from __future__ import annotations

import strawberry

from api.live import LoopSubscription
from api.loop import LoopMutation
from api.repair import RepairMutation


@strawberry.type
class Mutation(LoopMutation, RepairMutation):
    pass


@strawberry.type
class Subscription(LoopSubscription):
    pass
