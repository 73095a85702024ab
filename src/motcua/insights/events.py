"""Event action codes of the insights app (its own writes; never the dossier history)."""

from motcua.ledger.actions import register

SUBJECT_MODEL = "risk_model"
SUBJECT_SCORES = "risk_scores"

MODEL_TRAINED = register("risk_model.trained", "Huấn luyện mô hình cảnh báo sớm trễ hạn")
SCORES_REFRESHED = register(
    "risk_scores.refreshed", "Chấm điểm nguy cơ trễ hạn hồ sơ đang giải quyết"
)
SUBJECT_WORKSPACE = "insights_workspace"
WORKSPACE_IMPORTED = register(
    "insights_workspace.imported", "Nhập nhật ký sự kiện bên ngoài vào không gian phân tích"
)
WORKSPACE_DELETED = register("insights_workspace.deleted", "Xóa không gian phân tích")
