"""Privacy masking (privacy.py) tested directly: what each masked form keeps, what free text
gives away, which values are refused and with what words. Written for mutation testing
(TESTING.md); each test kills mutants that the CLI-level tests let live."""

from __future__ import annotations

import pytest

from fanzha_cli import privacy, vault
from fanzha_cli.errors import FanzhaError


@pytest.mark.parametrize("name, masked", [
    ("张", "*"), ("张三", "张*"), ("张小三", "张*三"), ("欧阳小明", "欧**明"), ("司马相如者", "司***者"),
    ("", ""), (None, None),
])
def test_mask_name(name, masked):
    assert privacy.mask_name(name) == masked


@pytest.mark.parametrize("text, head, tail, masked", [
    ("13812345678", 3, 4, "138****5678"),
    ("12345678", 3, 4, "123*5678"),
    ("1234567", 3, 4, "*****67"),      # no longer than head + tail: only the last two kept
    ("123", 3, 4, "*23"),
    ("12", 3, 4, "*2"),                # never the whole number
    ("1", 3, 4, "*"),
    ("", 3, 4, ""),
    ("140123199001011234", 6, 4, "140123********1234"),
    ("1401231990", 6, 4, "********90"),
])
def test_keep_ends(text, head, tail, masked):
    assert privacy._keep_ends(text, head, tail) == masked


@pytest.mark.parametrize("phone, masked", [
    ("13812345678", "138****5678"), ("0351-1234567", "035*****4567"), ("", ""), (None, None),
])
def test_mask_phone(phone, masked):
    assert privacy.mask_phone(phone) == masked


@pytest.mark.parametrize("number, masked", [
    ("140123199001011234", "140123********1234"), ("14012319900101123X", "140123********123X"),
    ("140123900101123", "140123*****1123"), ("", ""), (None, None),
])
def test_mask_id_number(number, masked):
    assert privacy.mask_id_number(number) == masked


@pytest.fixture
def key():
    return vault.load_key(create=True)


def test_sealed_values_show_their_stored_masked_form(key):
    """The masked form is the one sealed with the value (no key needed), not a fresh mask."""
    name = key.seal("张小三", "victim_name", "张某某")
    phone = key.seal("13812345678", "victim_phone", "1**********")
    number = key.seal("140123199001011234", "victim_id_number", "14****")
    assert privacy.mask_name(name) == "张某某"
    assert privacy.mask_phone(phone) == "1**********"
    assert privacy.mask_id_number(number) == "14****"


def test_mask_victim_masks_the_victim_fields_and_the_note_only():
    row = {"victim_name": "张小三", "victim_phone": "13812345678", "victim_id_number": "140123199001011234",
           "officer": "李警官", "note": "回访 13912345678 未接", "amount": 5}
    out = privacy.mask_victim(row)
    assert out == {"victim_name": "张*三", "victim_phone": "138****5678",
                   "victim_id_number": "140123********1234", "officer": "李警官",
                   "note": "回访 139****5678 未接", "amount": 5}
    assert row["victim_name"] == "张小三"  # a copy: the caller's row is left alone


def test_mask_victim_with_some_fields_missing():
    assert privacy.mask_victim({"victim_phone": "13812345678"}) == {"victim_phone": "138****5678"}
    assert privacy.mask_victim({"victim_id_number": "140123199001011234", "note": None}) == \
        {"victim_id_number": "140123********1234", "note": None}
    assert privacy.mask_victim({"victim_name": "张三", "note": 7}) == {"victim_name": "张*", "note": 7}
    assert privacy.mask_victim({}) == {}


def test_mask_victim_show_pii_opens_sealed_values(key):
    row = {"victim_name": key.seal("张小三", "victim_name", "张*三"),
           "victim_phone": key.seal("13812345678", "victim_phone", "138****5678"),
           "victim_id_number": "140123199001011234",   # stored before sealing: shown as it is
           "note": vault.seal_text("回访 13912345678", key, privacy.PII_IN_TEXT, privacy.mask_found),
           "officer": "李警官"}
    assert "13912345678" not in row["note"]
    out = privacy.mask_victim(row, show_pii=True)
    assert out == {"victim_name": "张小三", "victim_phone": "13812345678",
                   "victim_id_number": "140123199001011234", "note": "回访 13912345678", "officer": "李警官"}
    masked = privacy.mask_victim(row)
    assert masked["victim_name"] == "张*三" and masked["note"] == "回访 139****5678"
    assert privacy.mask_victim({"note": None, "victim_name": None}, show_pii=True) == {"note": None, "victim_name": None}
    assert privacy.mask_victim({"officer": "李"}, show_pii=True) == {"officer": "李"}


def test_mask_victim_show_pii_opens_each_field_under_its_own_name(key):
    """A value is bound to its column: opened under another column's name it is refused."""
    row = {"victim_phone": key.seal("13812345678", "victim_name", "138****5678")}
    with pytest.raises(FanzhaError):
        privacy.mask_victim(row, show_pii=True)


@pytest.mark.parametrize("text, masked", [
    ("电话13812345678，身份证140123199001011234。", "电话138****5678，身份证140123********1234。"),
    ("旧证 140123900101123 已换", "旧证 140123*****1123 已换"),
    ("末位X：14012319900101123X", "末位X：140123********123X"),
    ("座机 0351-12345678 与 035112345678", "座机 035******5678 与 035*****5678"),
    ("全角１３８１２３４５６７８", "全角138****5678"),
    ("全角座机０３５１－１２３４５６７８", "全角座机035******5678"),
    ("单号A13812345678与13812345678B不算", "单号A13812345678与13812345678B不算"),
    ("多一位138123456789也不算", "多一位138123456789也不算"),
    ("金额 23812345678 元不是手机", "金额 23812345678 元不是手机"),
    ("没有号码", "没有号码"), ("", ""), (None, None),
])
def test_mask_text(text, masked):
    assert privacy.mask_text(text) == masked


def test_mask_text_shows_sealed_numbers_by_their_masked_form(key):
    sealed = vault.seal_text("回访13912345678", key, privacy.PII_IN_TEXT, privacy.mask_found)
    assert privacy.mask_text(sealed) == "回访139****5678"
    assert privacy.mask_text(sealed, show_pii=True) == "回访13912345678"
    assert privacy.mask_text("无号码", show_pii=True) == "无号码"
    assert privacy.mask_text("", show_pii=True) == ""


@pytest.mark.parametrize("number, masked", [
    ("13812345678", "138****5678"),
    ("140123199001011234", "140123********1234"),
    ("140123900101123", "140123*****1123"),         # 15 digits: an old ID number
    ("012345678901234", "012********1234"),         # 15 digits from 0: not an ID number
    ("012345678901234567", "012***********4567"),
    ("１４０１２３１９９００１０１１２３ｘ", "140123********123X"),
    ("0351-12345678", "035******5678"),
])
def test_mask_found(number, masked):
    assert privacy.mask_found(number) == masked


@pytest.mark.parametrize("value, clean", [
    ("13812345678", "13812345678"), (" 138 1234 5678 ", "13812345678"), ("+86-138-1234-5678", "+8613812345678"),
    ("0351-1234567", "03511234567"), ("123456", "123456"), ("12345678901234567890", "12345678901234567890"),
    (None, None), ("", None), ("   ", None),
])
def test_clean_phone(value, clean):
    assert privacy.clean_phone(value) == clean


@pytest.mark.parametrize("value", ["12345", "1381234567a", "138-", "-13812345678", "++8613812345678",
                                   "123456789012345678901", "电话"])
def test_clean_phone_refuses(value):
    with pytest.raises(FanzhaError) as err:
        privacy.clean_phone(value)
    assert err.value.message == f"电话号码格式不对：{value!r}"
    assert err.value.hint == "只写数字（可带区号、+ 或 -），例如 13812345678。"


@pytest.mark.parametrize("value, clean", [
    ("140123199001011234", "140123199001011234"), (" 14012319900101123x ", "14012319900101123X"),
    ("140123900101123", "140123900101123"), (None, None), ("", None), (" ", None),
])
def test_clean_id_number(value, clean):
    assert privacy.clean_id_number(value) == clean


@pytest.mark.parametrize("value", ["14012319900101123", "1401231990010112345", "14012319900101123Y",
                                   "X40123199001011234", "1401239001011234", "14012390010112X"])
def test_clean_id_number_refuses(value):
    with pytest.raises(FanzhaError) as err:
        privacy.clean_id_number(value)
    assert err.value.message == f"身份证号格式不对：{value!r}"
    assert err.value.hint == "应为 18 位（末位可为 X）或 15 位数字。"


@pytest.mark.parametrize("value, clean", [("张三", "张三"), (" 张三 ", "张三"), (None, None), ("", None), ("  ", None)])
def test_clean_name(value, clean):
    assert privacy.clean_name(value) == clean


def test_victim_fields():
    assert privacy.VICTIM_FIELDS == ("victim_name", "victim_phone", "victim_id_number")
