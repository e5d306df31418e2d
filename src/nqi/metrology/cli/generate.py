"""``nqi metrology generate``: a large deterministic calibration network for load tests."""

from __future__ import annotations

import typer

from nqi.metrology.cli.common import console, fail, setup


def register(group: typer.Typer) -> None:
    @group.command("generate")
    def generate(
        instruments: int = typer.Option(10_000, min=100, max=5_000_000, help="Instruments to create."),
        years: int = typer.Option(10, min=1, max=50, help="Annual calibrations per instrument."),
        seed: int = typer.Option(1, help="Random seed (same seed, same data)."),
        replace: bool = typer.Option(False, "--replace", help="Remove earlier generated data first."),
    ) -> None:
        """Generate instruments, standards and calibration history (tagged GEN-) for load tests."""
        setup()
        from rich.progress import Progress

        from nqi.metrology import generator
        from nqi.metrology.models import Instrument

        if Instrument.objects.filter(asset_number__startswith=generator.PREFIX).exists():
            if not replace:
                raise fail("generated data exists already; use --replace to generate it again")
            generator.clear()
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("calibrations", total=instruments)
            try:
                result = generator.generate(
                    instruments, years, seed, progress=lambda n: progress.advance(task, n)
                )
            except RuntimeError as exc:
                raise fail(str(exc)) from exc
        console.print(
            f"generated {result.instruments:,} instruments, {result.records:,} calibrations, "
            f"{result.points:,} points, {result.uses:,} standard links"
        )
