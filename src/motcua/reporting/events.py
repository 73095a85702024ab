"""Event action codes of the reporting app (registered in the ledger's registry)."""

from motcua.ledger.actions import register

SUBJECT_INDICATOR = "indicator"
SUBJECT_RULESET = "index_rule_set"
SUBJECT_TEMPLATE = "report_template"
SUBJECT_REPORT = "report"
SUBJECT_AGGREGATES = "daily_counts"

INDICATOR_SAVED = register("indicator.saved", "Cập nhật chỉ tiêu")
TARGET_SET = register("indicator.target_set", "Giao chỉ tiêu năm")
CRITERION_SAVED = register("index_rule_set.criterion_saved", "Cập nhật tiêu chí chỉ số 766")
TEMPLATE_SAVED = register("report_template.saved", "Cập nhật mẫu báo cáo định kỳ")
REPORT_DRAFTED = register("report.drafted", "Soạn báo cáo định kỳ")
REPORT_SUBMITTED = register("report.submitted", "Gửi báo cáo định kỳ")
REPORT_CORRECTED = register("report.corrected", "Điều chỉnh báo cáo đã gửi (lần mới)")
REPORT_REMINDED = register("report.reminded", "Nhắc gửi báo cáo định kỳ")
AGGREGATES_REFRESHED = register("daily_counts.refreshed", "Cập nhật số liệu tổng hợp theo ngày")
