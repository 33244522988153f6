"""The city panel: one edition's scores (Tahaoo) beside the ranks of the edition it compares with (CCID)."""

from __future__ import annotations

from pipeline.families import Inputs, Result


def city_panel(inputs: Inputs) -> Result:
    from pipeline.reconcile.panel import city_panel as panel

    edition = inputs.edition
    rows, summary = panel(inputs.table(f"{edition.compare_with}_top100"), inputs.table(edition.table("scores")),
                          inputs.gaz, inputs.quality)
    return Result({"city_panel": rows}, summaries={"city_panel": summary})
