"""The synthetic demo province: units (with the 1 July 2025 reorganization), staff, catalog."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from motcua.catalog.services import catalog_import_rows
from motcua.demo import catalog_data, data
from motcua.organization.models import Role, StaffRole, Unit, UnitKind
from motcua.organization.services import unit_create, units_merge

User = get_user_model()

LOGINS_FILE = "demo-logins.txt"
START = dt.date(2015, 1, 1)
REORG = dt.date.fromisoformat(data.REORGANIZATION_DATE)
QUALIFIERS = [
    "",
    " đối với cá nhân",
    " đối với tổ chức",
    " trong trường hợp bị mất, hư hỏng",
    " do thay đổi thông tin",
    " có yếu tố nước ngoài",
    " thực hiện tại Trung tâm Phục vụ hành chính công",
    " cho hộ gia đình",
]
DEPARTMENT_NAMES = {code: name for code, _, name, _ in data.DEPARTMENTS}
LEVEL_SUFFIX = {"province": " (cấp tỉnh)", "commune": " (cấp xã)"}


def _commune_names(rng, count: int) -> list[str]:
    names: set[str] = set()
    syllables = data.COMMUNE_SYLLABLES
    while len(names) < count:
        names.add(f"{rng.choice(syllables)} {rng.choice(syllables)}")
    return sorted(names, key=lambda n: rng.random())


def _units(rng, small: bool, stdout) -> dict:
    code, eid, name, short = data.PROVINCE
    province = unit_create(
        actor=None,
        code=code,
        electronic_id=eid,
        name=name,
        short_name=short,
        kind=UnitKind.PROVINCE,
        valid_from=START,
        check_permission=False,
    )
    code, eid, name, short = data.SERVICE_CENTRE
    centre = unit_create(
        actor=None,
        code=code,
        electronic_id=eid,
        name=name,
        short_name=short,
        kind=UnitKind.SERVICE_CENTRE,
        parent=province,
        valid_from=START,
        check_permission=False,
    )
    departments = [
        unit_create(
            actor=None,
            code=code,
            electronic_id=eid,
            name=name,
            short_name=short,
            kind=UnitKind.DEPARTMENT,
            parent=province,
            valid_from=START,
            check_permission=False,
        )
        for code, eid, name, short in data.DEPARTMENTS
    ]
    district_specs = data.DISTRICTS[:3] if small else data.DISTRICTS
    per_district = 6 if small else 22
    total_communes = 460 if not small else per_district * len(district_specs)
    names = _commune_names(rng, total_communes)
    districts, communes_by_district = [], []
    n = 0
    for d_index, (prefix, d_name) in enumerate(district_specs, start=1):
        district = unit_create(
            actor=None,
            code=f"H{d_index:02d}",
            electronic_id=f"000.{d_index:02d}.00.H99",
            name=f"Ủy ban nhân dân {prefix.lower()} {d_name}",
            short_name=f"UBND {prefix.lower()} {d_name}",
            kind=UnitKind.DISTRICT,
            parent=province,
            valid_from=START,
            check_permission=False,
        )
        districts.append(district)
        count = per_district if d_index < len(district_specs) else total_communes - n
        communes = []
        for c_index in range(1, count + 1):
            n += 1
            kind_word = "Phường" if prefix != "Huyện" and c_index <= count // 2 else "Xã"
            c_name = names[n - 1]
            communes.append(
                unit_create(
                    actor=None,
                    code=f"X{d_index:02d}{c_index:03d}",
                    electronic_id=f"000.{d_index:02d}.{c_index:02d}.H99"
                    if c_index < 100
                    else f"000.{d_index:02d}.{c_index}.H99",
                    name=f"Ủy ban nhân dân {kind_word.lower()} {c_name}",
                    short_name=f"UBND {kind_word.lower()} {c_name}",
                    kind=UnitKind.COMMUNE,
                    parent=district,
                    valid_from=START,
                    check_permission=False,
                )
            )
        communes_by_district.append(communes)
    stdout.write(
        f"  Đơn vị trước 1/7/2025: {len(departments)} sở, ngành; {len(districts)} huyện; {n} xã"
    )

    # 1/7/2025: two-level local government. Communes merge in groups of about three (new
    # units), each district's work goes to the commune formed around its seat.
    new_communes = []
    serial = 0
    for d_index, (district, communes) in enumerate(
        zip(districts, communes_by_district, strict=True), start=1
    ):
        groups, i = [], 0
        while i < len(communes):
            size = rng.choice((2, 3, 3, 3, 4))
            groups.append(communes[i : i + size])
            i += size
        if len(groups) > 1 and len(groups[-1]) == 1:
            groups[-2].extend(groups.pop())
        first = None
        for group in groups:
            serial += 1
            base = group[0].short_name.split(" ", 2)[-1]
            kind_word = "Phường" if group[0].short_name.startswith("UBND phường") else "Xã"
            new = units_merge(
                actor=None,
                units=group,
                effective_on=REORG,
                new_code=f"XM{serial:03d}",
                new_name=f"Ủy ban nhân dân {kind_word.lower()} {base}",
                new_kind=UnitKind.COMMUNE,
                new_parent=province,
                new_electronic_id=f"000.{60 + d_index:02d}.{len(new_communes) % 100:02d}.H99",
                decision=data.REORGANIZATION_DECISION,
                check_permission=False,
            )
            new.short_name = f"UBND {kind_word.lower()} {base}"
            new.save(update_fields=["short_name"])
            new_communes.append(new)
            first = first or new
        units_merge(
            actor=None,
            units=[district],
            effective_on=REORG,
            into=first,
            decision=data.REORGANIZATION_DECISION,
            check_permission=False,
        )
    stdout.write(f"  Sau 1/7/2025: {len(new_communes)} xã, phường; cấp huyện kết thúc")
    return {
        "province": province,
        "centre": centre,
        "departments": {d.code: d for d in departments},
        "new_communes": new_communes,
    }


def demo_password() -> str:
    return os.environ.get("MOTCUA_DEMO_PASSWORD") or ("MotCua-" + secrets.token_urlsafe(6))


def _staff(units: dict, small: bool, password: str) -> list[tuple[str, str, str]]:
    hashed = make_password(password)
    specs: list[tuple[str, str, str, Unit]] = [
        ("quantri", "Quản trị tỉnh", Role.PROVINCE_ADMIN, units["province"]),
        ("danhmuc", "Quản trị danh mục TTHC", Role.CATALOG_ADMIN, units["departments"]["VPUBND"]),
        # The province inspectorate (Thanh tra tỉnh) inspects every department and commune
        # of the province: its inspector's role sits at the province, the unit whose whole
        # subtree it covers (a role's scope is its unit and everything below it).
        ("thanhtra", "Thanh tra viên (Thanh tra tỉnh)", Role.INSPECTOR, units["province"]),
        ("motcua.tinh", "Cán bộ một cửa Trung tâm", Role.DESK_OFFICER, units["centre"]),
        ("lanhdao.tinh", "Lãnh đạo UBND tỉnh", Role.UNIT_LEADER, units["province"]),
    ]
    for code, dept in units["departments"].items():
        slug = code.lower()
        specs += [
            (f"cchc.{slug}", f"Cán bộ CCHC {dept.short_name}", Role.REFORM_OFFICER, dept),
            (f"chuyenvien.{slug}", f"Chuyên viên {dept.short_name}", Role.SPECIALIST, dept),
            (f"lanhdao.{slug}", f"Lãnh đạo {dept.short_name}", Role.UNIT_LEADER, dept),
        ]
    communes = units["new_communes"][: 3 if small else len(units["new_communes"])]
    for commune in communes:
        slug = commune.code.lower()
        specs += [
            (f"motcua.{slug}", f"Một cửa {commune.short_name}", Role.DESK_OFFICER, commune),
            (f"chuyenvien.{slug}", f"Công chức {commune.short_name}", Role.SPECIALIST, commune),
            (f"lanhdao.{slug}", f"Lãnh đạo {commune.short_name}", Role.UNIT_LEADER, commune),
            (f"cchc.{slug}", f"CCHC {commune.short_name}", Role.REFORM_OFFICER, commune),
        ]
    created = User.objects.bulk_create(  # both databases return the new ids
        [
            User(
                username=u,
                first_name=label,
                password=hashed,
                is_staff=(role in (Role.PROVINCE_ADMIN, Role.CATALOG_ADMIN)),
            )
            for u, label, role, _ in specs
        ]
    )
    users = {u.username: u for u in created}
    StaffRole.objects.bulk_create(
        [
            StaffRole(user=users[u], role=role, unit=unit, valid_from=START)
            for u, _, role, unit in specs
        ]
    )
    superuser = users["quantri"]
    superuser.is_superuser = True
    superuser.is_staff = True
    superuser.save(update_fields=["is_superuser", "is_staff"])
    return [(u, label, str(Role(role).label)) for u, label, role, _ in specs]


def _hours_split(total: Decimal) -> list[Decimal]:
    """Receive, appraise, approve, return — shares of the procedure's working hours."""
    if total <= 4:
        first = last = Decimal("1")
    elif total <= 8:
        first = last = Decimal("2")
    else:
        first = last = Decimal("4")
    approve = max(Decimal("1"), (total / 5).quantize(Decimal("1")))
    if total - first - last - approve <= 0:
        return [total]
    return [first, total - first - last - approve, approve, last]


def catalog_rows(rng, small: bool) -> dict[str, list[dict]]:
    target = 60 if small else 1800
    bases = []
    for field_code, field_name, dept, items in catalog_data.FIELDS:
        for verbs, obj, levels in items:
            for verb in verbs:
                bases.append((field_code, field_name, dept, verb, obj, levels))
    rows: dict[str, list[dict]] = {
        k: []
        for k in (
            "LinhVuc",
            "ThuTuc",
            "ThanhPhanHoSo",
            "PhiLePhi",
            "QuyTrinh",
            "QuyetDinhCongBo",
            "CongBo",
        )
    }
    rows["LinhVuc"] = [{"code": f[0], "name": f[1]} for f in catalog_data.FIELDS]
    codes = rng.sample(range(1000, 13999), k=target)
    names: set[str] = set()
    count = 0
    qualifier_index = 0
    while count < target:
        qualifier = QUALIFIERS[qualifier_index % len(QUALIFIERS)]
        qualifier_index += 1
        for field_code, _field_name, dept, verb, obj, levels in bases:
            if count >= target:
                break
            if qualifier and rng.random() < 0.5:
                continue
            for level in levels:
                if count >= target:
                    break
                suffix = LEVEL_SUFFIX[level] if len(levels) > 1 else ""
                name = f"{verb} {obj}{qualifier}{suffix}"
                if name in names:
                    continue
                names.add(name)
                code = f"{rng.choice((1, 1, 2))}.{codes[count]:06d}"
                count += 1
                rows["ThuTuc"].append(
                    _procedure_row(rng, code, name, field_code, dept, verb, obj, level)
                )
                _children(rows, rng, code, field_code, verb, obj, level, dept, rows["ThuTuc"][-1])
    rows["QuyetDinhCongBo"] = [
        {
            "number": "1520/QĐ-UBND",
            "date": dt.date(2025, 7, 10),
            "signer": "Chủ tịch UBND tỉnh",
            "title": "Công bố danh mục thủ tục hành chính thuộc thẩm quyền giải quyết của cấp tỉnh, cấp xã",
        },
    ]
    rows["CongBo"] = [
        {"decision": "1520/QĐ-UBND", "procedure": p["code"], "action": "added"}
        for p in rows["ThuTuc"]
    ]
    return rows


def _procedure_row(rng, code, name, field_code, dept, verb, obj, level) -> dict:
    kind_roll = rng.random()
    if field_code == "CT":
        kind, amount = "same_day", Decimal("0")
    elif field_code == "TTRA" and verb.startswith("Tiếp"):
        kind, amount = "none", Decimal("0")
    elif kind_roll < 0.08:
        kind, amount = "calendar_days", Decimal(rng.choice((15, 30, 45)))
    elif kind_roll < 0.1:
        kind, amount = "hours", Decimal(rng.choice((4, 8, 16)))
    else:
        kind = "working_days"
        amount = Decimal(str(rng.choice((0.5, 1, 2, 3, 5, 5, 7, 10, 10, 15, 20, 30))))
        if field_code == "DD":
            amount = Decimal(rng.choice((10, 15, 20, 30)))
    online = rng.choices(("full", "partial", "none"), weights=(45, 40, 15))[0]
    if level == "province":
        authority = DEPARTMENT_NAMES[dept]
        competent = "department"
    else:
        authority, competent = "Ủy ban nhân dân cấp xã", "commune"
    amount_text = f"{amount.normalize():f}".replace(".", ",")
    text = {
        "working_days": f"{amount_text} ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ",
        "calendar_days": f"{amount_text} ngày kể từ ngày nhận đủ hồ sơ hợp lệ",
        "hours": f"{amount_text} giờ làm việc",
        "same_day": "Trong ngày tiếp nhận; trường hợp nhận sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo",
        "none": "Không quy định",
    }[kind]
    return {
        "code": code,
        "name": name,
        "field": field_code,
        "levels": [level],
        "competent_unit_kind": competent,
        "competent_authority": authority,
        "time_limit_kind": kind,
        "time_limit": amount,
        "time_limit_text": text,
        "result_name": catalog_data.RESULT_BY_VERB.get(verb.split()[0], "Văn bản chấp thuận"),
        "online_type": online,
        "legal_basis": catalog_data.FIELD_LAWS.get(field_code, catalog_data.LEGAL_BASES[5])
        + "\nNghị định số 118/2025/NĐ-CP; Thông tư số 03/2025/TT-VPCP",
        "applicants": rng.choice(("Cá nhân", "Tổ chức", "Cá nhân, tổ chức")),
        "status": "active",
        "decentralised": level == "commune" and rng.random() < 0.1,
        "delegated": level == "province" and rng.random() < 0.05,
    }


def _children(rows, rng, code, field_code, verb, obj, level, dept, procedure) -> None:
    components = [
        (f"Đơn đề nghị {verb.lower()} {obj} (theo mẫu)", 1, 0, True, "Mẫu số 01"),
        (
            "Bản sao Căn cước công dân hoặc giấy tờ tùy thân có ảnh của người đề nghị",
            0,
            1,
            True,
            "",
        ),
    ]
    extra = catalog_data.FIELD_COMPONENTS.get(field_code, [])
    for name in rng.sample(extra, k=min(len(extra), rng.randint(1, 3))):
        components.append((name, rng.choice((0, 1)), rng.choice((0, 1, 1, 2)) or 1, True, ""))
    components.append(("Văn bản ủy quyền (trường hợp nộp thay)", 1, 0, False, ""))
    for order, (name, originals, copies, required, form) in enumerate(components, start=1):
        rows["ThanhPhanHoSo"].append(
            {
                "procedure": code,
                "order": order,
                "name": name[:500],
                "originals": originals,
                "copies": copies,
                "required": required,
                "form_name": form,
            }
        )
    if rng.random() < 0.6:
        amount = Decimal(rng.choice((10_000, 20_000, 50_000, 100_000, 150_000, 500_000, 1_000_000)))
        rows["PhiLePhi"].append(
            {
                "procedure": code,
                "order": 1,
                "kind": "charge",
                "name": f"Lệ phí {verb.lower()} {obj}"[:500],
                "amount": amount,
                "note": "Miễn cho hộ nghèo, người có công" if rng.random() < 0.3 else "",
            }
        )
        if rng.random() < 0.3:
            rows["PhiLePhi"].append(
                {
                    "procedure": code,
                    "order": 2,
                    "kind": "fee",
                    "name": "Phí thẩm định hồ sơ",
                    "amount": amount * 2,
                    "note": "",
                }
            )
    kind = procedure["time_limit_kind"]
    total = {
        "working_days": procedure["time_limit"] * 8,
        "calendar_days": procedure["time_limit"] * 8,
        "hours": procedure["time_limit"],
        "same_day": Decimal(8),
        "none": Decimal(24),
    }[kind]
    hours = _hours_split(total)
    if level == "province":
        units = [("centre", ""), ("department", dept), ("department", dept), ("centre", "")]
    else:
        units = [("commune", "")] * 4
    if len(hours) == 1:
        steps = [("Tiếp nhận, thẩm định và trả kết quả", units[1], Role.SPECIALIST)]
    else:
        steps = [
            ("Tiếp nhận, kiểm tra hồ sơ, chuyển xử lý", units[0], Role.DESK_OFFICER),
            ("Thẩm định hồ sơ, trình kết quả", units[1], Role.SPECIALIST),
            ("Xem xét, phê duyệt kết quả", units[2], Role.UNIT_LEADER),
            ("Trả kết quả cho tổ chức, cá nhân", units[3], Role.DESK_OFFICER),
        ]
    for order, ((name, (unit_kind, unit_code), role), h) in enumerate(
        zip(steps, hours, strict=True), start=1
    ):
        rows["QuyTrinh"].append(
            {
                "procedure": code,
                "version": 1,
                "effective_from": REORG,
                "decision": "1521/QĐ-UBND",
                "order": order,
                "name": name,
                "unit_kind": unit_kind if not unit_code else "department",
                "unit": unit_code,
                "role": role,
                "hours": h,
            }
        )


def load(*, rng, stdout, options) -> None:
    small = bool(options.get("small"))
    with transaction.atomic():
        units = _units(rng, small, stdout)
        password = demo_password()
        options["demo_password"] = password  # the demo citizen of the portal uses it too
        logins = _staff(units, small, password)
        result = catalog_import_rows(
            actor=None, rows=catalog_rows(rng, small), check_permission=False
        )
        if not result.ok:
            raise RuntimeError(
                "demo catalog invalid: " + "; ".join(str(e) for e in result.errors[:5])
            )
    stdout.write(
        f"  Danh mục: {result.counts['ThuTuc']} thủ tục, {result.counts['ThanhPhanHoSo']} thành phần hồ sơ"
    )
    path = settings.VAR_DIR / LOGINS_FILE
    lines = [f"Mật khẩu chung của các tài khoản mẫu: {password}", ""]
    lines += [f"{u:<28} {role:<32} {label}" for u, label, role in logins]
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    stdout.write(f"  {len(logins)} tài khoản cán bộ mẫu; danh sách ở {path}")
