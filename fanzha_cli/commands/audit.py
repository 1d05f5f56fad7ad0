"""`fanzha audit`: victim call-backs, their verification, and revocation on appeal."""

from typing import Annotated, Optional

import typer

from fanzha_cli.commands.base import Format, FormatOption, FromOption, OutputOption, ShowPiiOption, ToOption, edge, on_ledger, output_to

app = typer.Typer(no_args_is_help=True, help="受害人回访与通报扣分。\n\n登记回访、核实是否消极懈怠（通报扣分）、申诉成立时撤销扣分。")

AuditId = Annotated[str, typer.Argument(help="回访编号（fanzha audit list 中的“回访编号”）。")]
OfficerOption = Annotated[Optional[str], typer.Option("--officer", help="责任民辅警警号。网格案件不写则取发案当日与该网格结对的民警（多人时取警号最小者，无民警时取辅警）；单位案件必须写明。")]


def _write_and_report(led, action, *args, **kwargs) -> None:
    """One write, then what happened and where the deducted people now stand."""
    from fanzha_cli import discipline
    from fanzha_cli.render import cases as render

    result = action(led, *args, **kwargs)
    standings = []
    charged = result.get("officer")
    if result["status"] in ("negligent", "revoked") and charged:
        subjects = [discipline.subject(led, charged["badge"], None)] if charged.get("badge") else []
        subjects += [discipline.subject(led, None, d) for d in charged.get("departments") or [charged["department"]]]
        standings = [discipline.standing(led, s) for s in subjects]
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
    show_pii: ShowPiiOption = False,
    fmt: FormatOption = Format.table,
    output: OutputOption = None,
) -> None:
    """列出期间内（按回访日期）的回访及其当前状态。说明中的电话、身份证号脱敏，除非加 --show-pii。"""
    from fanzha_cli import audits
    from fanzha_cli.render import cases as render

    rows = on_ledger(ctx, audits.list_audits, start, end, status, show_pii=show_pii)
    with output_to(output, fmt) as fmt:
        render.emit(fmt.value, rows, rows, render.AUDIT_COLUMNS, render.audits)


ReasonOption = Annotated[str, typer.Option("--reason", help="更正或作废的原因（必填）。", metavar="原因")]


@app.command("amend")
@edge
def amend_cmd(
    ctx: typer.Context,
    audit_id: AuditId,
    reason: ReasonOption = "",
    case_no: Annotated[Optional[str], typer.Option("--case", help="改为该案件的回访（登记错了案件时）。", metavar="案件编号")] = None,
    date: Annotated[Optional[str], typer.Option("--date", help="更正后的回访日期 YYYY-MM-DD。", metavar="日期")] = None,
    received: Annotated[Optional[str], typer.Option("--publicity-received", help="更正受害人是否收到面对面宣传（仅限尚未核实的回访）：yes|no。", metavar="是否")] = None,
    officer: Annotated[Optional[str], typer.Option("--officer", help="更正回访时指明的责任民辅警警号；写空字符串清除。", metavar="警号")] = None,
    note_: Annotated[Optional[str], typer.Option("--note", help="更正后的回访说明。", metavar="文本")] = None,
) -> None:
    """更正一次回访（如登记错了案件）。

    只写要改的选项，写明 --reason。已扣分的回访，扣分随之改按更正后的案件和民辅警计。"""
    from fanzha_cli import corrections
    from fanzha_cli.render.console import note

    r = on_ledger(ctx, corrections.amend_audit, audit_id, reason=reason, case_no=case_no, date=date,
                  received=received, officer=officer, note=note_)
    moved = "；扣分随之改按更正后的记录计" if r["moved"] else ""
    note(f"已更正回访 #{r['audit_id']}（案件 {r['case_no']}）{moved}，记录编号 {r['entry_id']}。")


@app.command("void")
@edge
def void_cmd(ctx: typer.Context, audit_id: AuditId, reason: ReasonOption = "") -> None:
    """作废一次登记错误的回访。

    其扣分不再计入，原记录保留，不能撤回。"""
    from fanzha_cli import corrections
    from fanzha_cli.render.console import note

    r = on_ledger(ctx, corrections.void_audit, audit_id, reason=reason)
    fallen = "；其扣分不再计入" if r["fallen"] else ""
    note(f"已作废回访 #{r['audit_id']}（案件 {r['case_no']}）{fallen}，记录编号 {r['entry_id']}。")


@app.command("history")
@edge
def history_cmd(ctx: typer.Context, audit_id: AuditId, show_pii: ShowPiiOption = False,
                fmt: FormatOption = Format.table) -> None:
    """一次回访的全部版本。

    登记、每次更正、作废，录入人、时间和原因。"""
    from fanzha_cli import corrections
    from fanzha_cli.render import cases as render

    result = on_ledger(ctx, corrections.audit_history, audit_id, show_pii)
    render.emit(fmt.value, result, render.history_rows(result, render.AUDIT_HISTORY_LABELS), render.HISTORY_COLUMNS,
                render.history(f"回访 #{result['audit_id']} 的记录", render.AUDIT_HISTORY_LABELS))
