"""Plots the lessons and reports show. Each returns a matplotlib Figure (pyplot imported only here)."""

from __future__ import annotations

from .framework import framework

__all__ = ["agreement_by_competency", "agreement_over_time", "bias_heatmap", "competency_calls_over_time"]

_GREEN, _ORANGE, _BLUE, _GREY = "#009E73", "#E69F00", "#0072B2", "#999999"


def _plt():
    import matplotlib.pyplot as plt  # heavy: loaded only when a plot is drawn

    return plt


def agreement_by_competency(comparison):
    """Bars: the share of markers where the learner agreed with the assessor, per competency."""
    plt = _plt()
    table = comparison.by_competency
    names = {c.number: c.name for c in framework().competencies}
    fig, ax = plt.subplots(figsize=(7, 2.8))
    labels = [f"{int(c)}. {names.get(int(c), '')}" for c in table["competency"]]
    values = [0 if v != v else v for v in table["agreement"]]
    bars = ax.barh(labels, values, color=_GREEN)
    for bar, value, n in zip(bars, table["agreement"], table["n"], strict=False):
        text = "n/a" if value != value else f"{value:.0%} of {int(n)}"
        ax.text(min(bar.get_width() + 0.02, 0.9), bar.get_y() + bar.get_height() / 2, text, va="center", fontsize=9)
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_xlabel("share of markers where you agreed with the assessor")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def agreement_over_time(history):
    """Line: agreement (percent agreement and kappa) attempt by attempt."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 2.8))
    x = list(range(1, len(history) + 1))
    ax.plot(x, history["percent_agreement"], marker="o", color=_GREEN, label="percent agreement")
    ax.plot(x, history["kappa"], marker="s", linestyle="--", color=_BLUE, label="kappa")
    ax.set_ylim(-0.2, 1.02)
    ax.set_xticks(x)
    ax.set_xlabel("attempt")
    ax.axhline(0.61, color=_GREY, linewidth=0.8, linestyle=":")
    ax.text(x[-1] if x else 1, 0.63, "substantial (kappa 0.61+)", ha="right", fontsize=8, color="#555")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def bias_heatmap(bias):
    """Heat map: each marker's over-credit and under-credit rate (rows: markers with at least one attempt)."""
    plt = _plt()
    rows = bias[bias["n"] > 0] if "n" in bias else bias
    fig, ax = plt.subplots(figsize=(3.6, max(2.0, 0.24 * len(rows) + 0.8)))
    data = rows[["over_credit_rate", "under_credit_rate"]].fillna(0).to_numpy()
    im = ax.imshow(data, cmap="cividis_r", vmin=0, vmax=1, aspect="auto")
    ax.set_yticks(range(len(rows)), list(rows["marker"]), fontsize=8)
    ax.set_xticks([0, 1], ["over-credit ▲", "under-credit ▼"], fontsize=8)
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            v = data[i, j]
            if v > 0:
                ax.text(j, i, f"{v:.0%}", ha="center", va="center", fontsize=7, color="white" if v > 0.5 else "black")
    fig.colorbar(im, ax=ax, fraction=0.08, label="share of your attempts")
    fig.tight_layout()
    return fig


def competency_calls_over_time(history):
    """Line: competency level calls attempt by attempt, exactly as the assessor and within one level
    (attempts without competency calls are left out)."""
    plt = _plt()
    rows = history[history["competency_exact"].notna()] if "competency_exact" in history else history.iloc[0:0]
    fig, ax = plt.subplots(figsize=(7, 2.8))
    x = list(range(1, len(rows) + 1))
    ax.plot(x, rows["competency_within_one"] if len(rows) else [], marker="o", color=_GREEN, label="within one level")
    ax.plot(x, rows["competency_exact"] if len(rows) else [], marker="s", linestyle="--", color=_BLUE, label="exact")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xticks(x)
    ax.set_xlabel("attempt with competency calls")
    ax.set_ylabel("share of your calls")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
