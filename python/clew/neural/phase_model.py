"""The phase network: sign-aware message passing between variable and clause nodes.

Why this shape (and not NeuroBack's graph transformer): NeuroBack's ~100k-parameter transformer
attends over a graph whose edges carry literal signs; most of what it learns is local (which clauses
a variable sits in, with which sign, and what their other literals do). NeuroSAT-style rounds of
message passing capture exactly that, cost O(edges) per round with nothing but ``index_add_``
(no torch-scatter, no attention over neighbours), and train on two CPU cores in minutes. Weights are
shared across rounds (as in NeuroSAT), so the number of rounds can grow at inference at no cost in
parameters. With ``dim=64`` the network has about 70k parameters.

One round: every edge carries its variable's state through one of two linear maps, chosen by the
literal's sign, to its clause (mean over the clause's literals); a GRU updates the clause; the clause
state goes back the same way (two sign maps, mean over the variable's occurrences) and a GRU updates
the variable. The maps are linear, so they are applied after summing (W+ sum of the positive
occurrences + W- sum of the negative ones): nothing of size edges x dim is kept for the backward
pass, and memory stays O(nodes x dim) per round. Two heads read each variable: a backbone logit (is the variable in the backbone?) and
a phase logit (is its backbone literal positive?).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

NAME = "phase-gnn"
DEFAULTS: dict[str, Any] = {"name": NAME, "version": 1, "dim": 64, "rounds": 6, "max_vars": 1 << 22}


def architecture(**overrides: Any) -> dict[str, Any]:
    """The architecture config (JSON) of a phase network; ``dim``, ``rounds``, ``max_vars`` may be set."""
    unknown = set(overrides) - {"dim", "rounds", "max_vars"}
    if unknown:
        raise ValueError(f"unknown phase network settings {sorted(unknown)}")
    return {**DEFAULTS, **overrides}


class PhaseGNN(nn.Module):
    """``forward(edge_index, edge_sign, node_type) -> (backbone_logit, phase_logit)`` per variable node."""

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        d = int(config["dim"])
        self.rounds = int(config["rounds"])
        self.init = nn.Embedding(2, d)  # variable, clause
        self.features = nn.Linear(3, d)
        # [negative, positive] literal maps, one pair per direction; no bias (applied to sums).
        self.to_clause = nn.ModuleList([nn.Linear(d, d, bias=False), nn.Linear(d, d, bias=False)])
        self.to_var = nn.ModuleList([nn.Linear(d, d, bias=False), nn.Linear(d, d, bias=False)])
        self.clause_update = nn.GRUCell(d, d)
        self.var_update = nn.GRUCell(d, d)
        self.head = nn.Sequential(nn.Linear(d, d), nn.ReLU(), nn.Linear(d, 2))

    def forward(
        self, edge_index: torch.Tensor, edge_sign: torch.Tensor, node_type: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        n = node_type.shape[0]
        src, dst = edge_index[0], edge_index[1]
        pos = edge_sign > 0
        by_sign = [(src[~pos], dst[~pos]), (src[pos], dst[pos])]  # negative, positive edges
        feats = torch.zeros((n, 3), device=src.device)
        # Degree features: positive and negative occurrences of a variable, length of a clause.
        feats[:, 0].index_add_(0, by_sign[1][0], torch.ones_like(by_sign[1][0], dtype=torch.float32))
        feats[:, 1].index_add_(0, by_sign[0][0], torch.ones_like(by_sign[0][0], dtype=torch.float32))
        feats[:, 2].index_add_(0, dst, torch.ones_like(dst, dtype=torch.float32))
        inv_var_deg = 1.0 / (feats[:, 0] + feats[:, 1]).clamp(min=1).unsqueeze(1)
        inv_clause_deg = 1.0 / feats[:, 2].clamp(min=1).unsqueeze(1)
        h = self.init(node_type.long()) + self.features(torch.log1p(feats))
        is_var = node_type == 0
        var_nodes = torch.nonzero(is_var).squeeze(1)
        clause_nodes = torch.nonzero(~is_var).squeeze(1)
        for _ in range(self.rounds):
            agg = sum(
                lin(h.new_zeros((n, h.shape[1])).index_add_(0, d_, h[s_]))
                for lin, (s_, d_) in zip(self.to_clause, by_sign)
            ) * inv_clause_deg
            h = h.index_copy(0, clause_nodes, self.clause_update(agg[clause_nodes], h[clause_nodes]))
            agg = sum(
                lin(h.new_zeros((n, h.shape[1])).index_add_(0, s_, h[d_]))
                for lin, (s_, d_) in zip(self.to_var, by_sign)
            ) * inv_var_deg
            h = h.index_copy(0, var_nodes, self.var_update(agg[var_nodes], h[var_nodes]))
        out = self.head(h[var_nodes])
        return out[:, 0], out[:, 1]
