from motcua.ledger.actions import register

UNIT_CREATED = register("unit.created", "Thành lập đơn vị")
UNIT_ENDED = register("unit.ended", "Kết thúc hoạt động đơn vị (sáp nhập)")
UNIT_MERGED_INTO = register("unit.merged_into", "Tiếp nhận đơn vị sáp nhập")
ROLE_GRANTED = register("staff.role_granted", "Phân quyền cán bộ")
ROLE_REVOKED = register("staff.role_revoked", "Thu hồi quyền cán bộ")
