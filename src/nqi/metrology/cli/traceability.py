"""``nqi metrology trace``: check a certificate's traceability chain from the command line."""

from __future__ import annotations

import typer

from nqi.metrology.cli.common import console, fail, setup


def register(group: typer.Typer) -> None:
    @group.command("trace")
    def trace(
        certificate: str = typer.Argument(..., help="Certificate number, e.g. VMI-2026-00012."),
    ) -> None:
        """Print the chain of a certificate up to the SI; exit 1 when it is broken."""
        setup()
        from nqi.metrology.models import CalibrationRecord
        from nqi.metrology.traceability import check

        record = CalibrationRecord.objects.filter(certificate_number=certificate.strip()).first()
        if record is None:
            raise fail(f"no certificate numbered {certificate!r}")
        result = check(record)

        def show(node_id: str, depth: int, seen: set[str]) -> None:
            node = result.nodes[node_id]
            mark = "[green]✓[/]" if node.ok else "[red]✗[/]"
            console.print(f"{'  ' * depth}{mark} {node.label} [dim]({node.kind})[/]", highlight=False)
            if node_id in seen:
                return
            for edge in result.targets(node_id):
                show(edge.target, depth + 1, seen | {node_id})

        show(result.root, 0, set())
        for problem in result.problems:
            console.print(f"[red]problem:[/] {problem.message}", highlight=False)
        if not result.ok:
            raise typer.Exit(1)
        console.print("[green]traceable to the SI[/]")
