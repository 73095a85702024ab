import datetime as dt

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from motcua.core.api_pagination import Pagination
from motcua.core.validation import Day, Text
from motcua.organization import selectors
from motcua.organization.models import UnitKind

router = Router(tags=["Đơn vị"])


class UnitOut(Schema):
    code: str
    electronic_id: str | None
    name: str
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    parent: str | None = Field(None, alias="parent.code")
    valid_from: dt.date
    valid_to: dt.date | None


@router.get("", response=list[UnitOut], summary="Danh sách đơn vị")
@paginate(Pagination)
def list_units(
    request,
    kind: UnitKind | None = None,
    parent: Text(40) | None = None,
    date: Day | None = None,
):
    """Đơn vị theo loại, đơn vị cấp trên và ngày hiệu lực (cơ cấu cũ hoặc mới)."""
    return selectors.unit_list(kind=kind, parent=parent, on=date)
