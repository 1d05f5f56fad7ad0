"""`fanzha audit`: victim call-backs, their verification, and revocation on appeal."""

from typing import Annotated, Optional

import typer

from fanzha_cli.commands.base import Format, FormatOption, FromOption, OutputOption, ToOption, edge, on_ledger, output_to

app = typer.Typer(no_args_is_help=True, help="受害人回访与通报扣分。\n\n登记回访、核实是否消极懈怠（通报扣分）、申诉成立时撤销扣分。")

AuditId = Annotated[str, typer.Argument(help="回访编号（fanzha audit list 中的“回访编号”）。")]
OfficerOption = Annotated[Optional[str], typer.Option("--officer", help="责任民辅警警号。网格案件不写则取发案当日与该网格结对的民警（多人时取警号最小者，无民警时取辅警）；单位案件必须写明。")]


def _write_and_report(led, action, *args, **kwargs) -> None:
    """One write, then what happened and where the deducted people now stand."""
    from fanzha_cli import discipline
    from fanzha_cli.render import cases as render

    result = action(led, *args, **kwargs)
    standings = []
    officer = result.get("officer")
    if result["status"] in ("negligent", "revoked") and officer:
        for s in (discipline.subject(led, officer["badge"], None), discipline.subject(led, None, officer["department"])):
            standings.append(discipline.standing(led, s))
    render.audit_result(result, standings)


@app.command("record")
@edge
def record_cmd(
    ctx: typer.Context,
    case_no: Annotated[str, typer.Option("--case", help="案件编号。")],
    date: Annotated[str, typer.Option("--date", help="回访日期 YYYY-MM-DD。")],
    received: Annotated[str, typer.Option("--publicity-received", help="受害人是否收到面对面宣传：yes|no（也可写 是|否）。")],
    verified_negligent: Annotated[bool, typer.Option("--verified-negligent", help="已核实为民辅警消极懈怠、宣传未到位：立即对民辅警及其单位各通报扣分一次。")] = False,
    officer: OfficerOption = None,
    note_: Annotated[Optional[str], typer.Option("--note", help="回访情况说明。")] = None,
    verify_date: Annotated[Optional[str], typer.Option("--verify-date", help="当即核实（--verified-negligent）的核实日期 YYYY-MM-DD，默认今天。扣分在核实日期所在的周通报。")] = None,
) -> None:
    """登记一次回访。收到宣传：只记录；未收到：记为待核实（之后用 audit verify 登记结论），或加 --verified-negligent 直接扣分。"""
    from fanzha_cli import audits

    on_ledger(ctx, _write_and_report, audits.record, case_no=case_no, date=date, received=received,
              verified_negligent=verified_negligent, officer=officer, note=note_, verify_date=verify_date)


@app.command("verify")
@edge
def verify_cmd(
    ctx: typer.Context,
    audit_id: AuditId,
    negligent: Annotated[Optional[bool], typer.Option("--negligent/--not-negligent", help="核实结论：消极懈怠（扣分）或非消极懈怠（不扣分）。")] = None,
    note_: Annotated[str, typer.Option("--note", help="核实经过与依据（必填）。")] = "",
    officer: OfficerOption = None,
    date: Annotated[Optional[str], typer.Option("--date", help="核实日期 YYYY-MM-DD（作出核实结论的日期），默认今天。扣分在核实日期所在的周通报。")] = None,
) -> None:
    """登记待核实回访的核实结论。每次回访只能核实一次；消极懈怠时对责任民辅警及其单位各扣分一次，在核实日期所在的周通报。"""
    from fanzha_cli import audits

    on_ledger(ctx, _write_and_report, audits.verify, audit_id, negligent=negligent, note=note_, officer=officer,
              date=date)


@app.command("revoke")
@edge
def revoke_cmd(
    ctx: typer.Context,
    audit_id: AuditId,
    reason: Annotated[str, typer.Option("--reason", help="撤销原因：申诉成立的理由和依据（必填）。")] = "",
) -> None:
    """撤销扣分（申诉成立时）。

    该回访的扣分（民辅警和单位的扣分）都不再计入，原记录和撤销原因永久保留。只能撤销一次。"""
    from fanzha_cli import audits

    on_ledger(ctx, _write_and_report, audits.revoke, audit_id, reason)


@app.command("list")
@edge
def list_cmd(
    ctx: typer.Context,
    start: FromOption = None,
    end: ToOption = None,
    status: Annotated[Optional[str], typer.Option("--status", help="只看一种状态：received（已收到宣传）、pending（待核实）、not_negligent、negligent（已扣分）、revoked（已撤销）。")] = None,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """列出期间内（按回访日期）的回访及其当前状态。"""
    from fanzha_cli import audits
    from fanzha_cli.render import cases as render

    rows = on_ledger(ctx, audits.list_audits, start, end, status)
    with output_to(output, fmt) as fmt:
        render.emit(fmt.value, rows, rows, render.AUDIT_COLUMNS, render.audits)
