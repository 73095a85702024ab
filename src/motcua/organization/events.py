from motcua.ledger.actions import register

UNIT_CREATED = register("unit.created", "Thành lập đơn vị")
UNIT_ENDED = register("unit.ended", "Kết thúc hoạt động đơn vị (sáp nhập)")
UNIT_MERGED_INTO = register("unit.merged_into", "Tiếp nhận đơn vị sáp nhập")
MERGER_APPLIED = register(
    "unit.merger_applied", "Chuyển công việc đang giải quyết sang đơn vị kế thừa"
)
ROLE_GRANTED = register("staff.role_granted", "Phân quyền cán bộ")
ROLE_REVOKED = register("staff.role_revoked", "Thu hồi quyền cán bộ")
ROLE_CHANGED = register("staff.role_changed", "Sửa phân quyền cán bộ")
UNIT_SAVED = register("unit.saved", "Cập nhật thông tin đơn vị")
UNIT_DELETED = register("unit.deleted", "Xóa đơn vị")
TOKEN_ISSUED = register("api_token.issued", "Cấp mã truy cập API")
TOKEN_REVOKED = register("api_token.revoked", "Thu hồi mã truy cập API")
USER_SAVED = register("user.saved", "Cập nhật tài khoản")
USER_DELETED = register("user.deleted", "Xóa tài khoản")
USER_PASSWORD_SET = register("user.password_set", "Đặt lại mật khẩu tài khoản")
SECOND_FACTOR_REMOVED = register("staff.second_factor_removed", "Gỡ thiết bị xác thực hai bước")
LOGIN_UNLOCKED = register("login.unlocked", "Mở khóa đăng nhập sau nhiều lần sai")
